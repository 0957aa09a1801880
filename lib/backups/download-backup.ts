/**
 * Download (admin, audited by the backup.download action): one file of a backup as stored (encrypted
 * files stay encrypted: the operator decrypts with `age -d`), streamed from disk. The id and file are
 * validated and resolved inside BACKUP_DIR; only files the manifest lists are served.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { AppError } from "../errors/app-error";
import { MANIFEST_FILE, backupRoot, resolveBackupDir, resolveBackupFile } from "./backup-paths";
import { readManifest } from "./manifest";

export type BackupDownload = { fileName: string; bytes: number; sha256: string | null; contentType: string; open: () => Readable };

export async function openBackupFile(backupId: string, file: string, root: string = backupRoot()): Promise<BackupDownload> {
  const dir = await resolveBackupDir(backupId, root);
  const manifest = await readManifest(dir);
  const entry = manifest.files.find((f) => f.path === file);
  if (!entry && file !== MANIFEST_FILE) throw new AppError("NOT_FOUND", "That file is not listed in the backup's manifest.");
  const abs = await resolveBackupFile(backupId, file, root);
  const size = (await stat(abs)).size;
  const folder = backupId.split("/")[2]!;
  return {
    fileName: `${backupId.split("/")[1]}-${folder}-${path.posix.basename(file)}`,
    bytes: size,
    sha256: entry?.sha256 ?? null,
    contentType: file === MANIFEST_FILE ? "application/json" : "application/octet-stream",
    open: () => createReadStream(abs),
  };
}
