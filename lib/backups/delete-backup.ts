/**
 * Deletes one backup: its folder (resolved and checked inside BACKUP_DIR: a crafted id deletes
 * nothing), its copy in the configured remote store, and marks its run deleted. Called by the
 * backup.delete action (audited there) and by retention (which audits each deletion itself).
 */
import { rm } from "node:fs/promises";
import { log } from "../log/logger";
import { backupRoot, resolveBackupDir } from "./backup-paths";
import { markRunDeleted } from "./backup-runs";
import { removeRemoteCopies } from "./stores/remote-copy";
import type { RemoteStore } from "./stores/types";

export async function deleteBackup(backupId: string, options: { reason: string; root?: string; store?: RemoteStore | null } = { reason: "deleted" }): Promise<{ backupId: string; remoteCopiesRemoved: number }> {
  const dir = await resolveBackupDir(backupId, options.root ?? backupRoot());
  let remoteCopiesRemoved = 0;
  try {
    remoteCopiesRemoved = await removeRemoteCopies(backupId, options.store);
  } catch (error) {
    log.error("Could not delete a backup's remote copy", { backupId, error });
  }
  await rm(dir, { recursive: true, force: true });
  await markRunDeleted(backupId, options.reason);
  return { backupId, remoteCopiesRemoved };
}
