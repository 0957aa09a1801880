/** Backups → Run now (operator, admin): starts a backup of one service, optionally named (e.g. pre-upgrade-1.43.0). Returns the run to poll. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { BACKUP_NAME_PATTERN } from "../backup-paths";
import { requestBackup } from "../backup-jobs";

export const backupServiceInput = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Choose a service.");
const optionalBoolean = z.preprocess((v) => (v === "" || v === undefined ? undefined : v === true || v === "true" || v === "on" ? true : v === false || v === "false" ? false : v), z.boolean().optional());

export const backupRunAction = defineAction({
  action: "backup.run",
  permission: "backups.run",
  input: z.object({
    service: backupServiceInput,
    name: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(BACKUP_NAME_PATTERN, "Lowercase letters, digits, dots, dashes and underscores, e.g. pre-upgrade-1.43.0.").optional()),
    encrypt: optionalBoolean,
  }),
  resourceType: "backup",
  resourceId: (input) => input.service,
  run: async (input, { ctx, correlationId }) => {
    const run = await requestBackup({
      serviceKey: input.service,
      name: input.name ?? null,
      encrypt: input.encrypt,
      requestedBy: { kind: "user", userId: ctx.actor?.userId ?? null, email: ctx.actor?.email ?? null },
      auditCorrelationId: correlationId,
    });
    return { runId: run.id, backupId: run.backupId, status: run.status };
  },
});
