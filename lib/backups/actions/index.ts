/** Every backup action definition (register each in lib/actions/registry.ts). */
export { backupRunAction } from "./run-backup";
export { backupDryRunAction } from "./dry-run-backup";
export { backupDeleteAction } from "./delete-backup";
export { backupDownloadAction } from "./download-backup";
export { backupVerifyAction } from "./verify-backup";
export { backupScheduleCreateAction, backupScheduleUpdateAction, backupScheduleDeleteAction } from "./schedules";
export { backupRetentionUpdateAction, backupRetentionApplyAction } from "./retention";
