/**
 * A backup file's plaintext as a stream: read from disk, decrypted (age, authenticated: a wrong key, a
 * corrupted or truncated file ends the stream with an error) and decompressed. Restores feed it to
 * an engine's restore; a failure anywhere reaches the consumer as a stream error, never as a short input.
 */
import { createReadStream } from "node:fs";
import { pipeline, type Readable } from "node:stream";
import { decompressor } from "./artifact-writer";
import { backupRoot, resolveBackupFile } from "./backup-paths";
import { createAgeDecryptStream } from "./encryption/age-stream";
import { loadBackupKeys } from "./encryption/age-keys";
import type { ManifestFile } from "./manifest";

export async function openBackupPlaintext(backupId: string, file: ManifestFile, options: { root?: string; identities?: string[] } = {}): Promise<Readable> {
  const abs = await resolveBackupFile(backupId, file.path, options.root ?? backupRoot());
  const stages: NodeJS.ReadWriteStream[] = [];
  if (file.encrypted) stages.push(createAgeDecryptStream(options.identities ?? (await loadBackupKeys()).identities));
  const d = decompressor(file.compression);
  if (d) stages.push(d);
  const source = createReadStream(abs);
  if (stages.length === 0) return source;
  const last = stages[stages.length - 1] as unknown as Readable;
  (pipeline as unknown as (...s: unknown[]) => void)(source, ...stages, (error: Error | null) => {
    if (error) last.destroy(error);
  });
  return last;
}
