/** Backups → Verify (admin): re-hash every file against the manifest, decrypt/decompress, pg_restore --list for Postgres; stored and returned. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { AppError } from "../../errors/app-error";
import { configuredTarget } from "../backup-jobs";
import { verifyBackup } from "../verify-backup";
import { backupIdInput } from "./delete-backup";

export const backupVerifyAction = defineAction({
  action: "backup.verify",
  permission: "backups.manage",
  input: z.object({ backupId: backupIdInput }),
  resourceType: "backup",
  resourceId: (input) => input.backupId,
  run: async (input, { ctx }) => {
    const service = input.backupId.split("/")[1]!;
    // The engine check needs the service's container; without it the checksums are still verified.
    const target = await configuredTarget(service).then((t) => t.target).catch(() => null);
    const result = await verifyBackup({ backupId: input.backupId, target, trigger: "user", requestedByEmail: ctx.actor?.email ?? null });
    if (!result.ok) throw new AppError("CONFLICT", `Verification failed: ${result.summary}`);
    return result;
  },
});
