/** Backups → Delete (admin): removes a backup folder and its remote copy; the id is validated and resolved inside BACKUP_DIR. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { parseBackupId } from "../backup-paths";
import { deleteBackup } from "../delete-backup";

export const backupIdInput = z.string().refine((v) => {
  try {
    parseBackupId(v);
    return true;
  } catch {
    return false;
  }
}, "That is not a valid backup id.");

export const backupDeleteAction = defineAction({
  action: "backup.delete",
  permission: "backups.manage",
  input: z.object({ backupId: backupIdInput }),
  resourceType: "backup",
  resourceId: (input) => input.backupId,
  params: (input) => ({ backupId: input.backupId, reason: "manual" }),
  run: async (input) => deleteBackup(input.backupId, { reason: "manual" }),
});
