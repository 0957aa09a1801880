/** Backups → Dry run (operator, admin): the exact commands and target path of a backup, running nothing (see lib/backups/dry-run.ts). */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { BACKUP_NAME_PATTERN } from "../backup-paths";
import { configuredTarget } from "../backup-jobs";
import { dryRunBackup } from "../dry-run";
import { backupServiceInput } from "./run-backup";

export const backupDryRunAction = defineAction({
  action: "backup.dry-run",
  permission: "backups.run",
  input: z.object({
    service: backupServiceInput,
    name: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(BACKUP_NAME_PATTERN).optional()),
    encrypt: z.preprocess((v) => (v === "true" || v === "on" ? true : v === "false" ? false : v === "" ? undefined : v), z.boolean().optional()),
    /** Run the read-only discovery queries, to list concrete per-database commands. */
    discover: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()).default(false),
  }),
  resourceType: "backup",
  resourceId: (input) => input.service,
  run: async (input) => {
    const { target } = await configuredTarget(input.service);
    return dryRunBackup({ target, name: input.name ?? null, encrypt: input.encrypt, discover: input.discover });
  },
});
