/**
 * Backups → Download (admin, audited: a read of sensitive data): returns the file's name, size,
 * sha256 and an `open()` giving its stream; the route handler streams it (the file as stored: an
 * encrypted backup stays encrypted).
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { assertBackupFilePath } from "../backup-paths";
import { openBackupFile } from "../download-backup";
import { backupIdInput } from "./delete-backup";

export const backupDownloadAction = defineAction({
  action: "backup.download",
  permission: "backups.manage",
  input: z.object({
    backupId: backupIdInput,
    file: z.string().refine((v) => {
      try {
        assertBackupFilePath(v);
        return true;
      } catch {
        return false;
      }
    }, "That is not a file of the backup."),
  }),
  resourceType: "backup",
  resourceId: (input) => input.backupId,
  run: async (input) => openBackupFile(input.backupId, input.file),
});
