/**
 * The backups on disk: complete folders only (a `.partial` folder never matches the folder pattern),
 * each with its manifest, joined with its run row when there is one. Also the history view: runs of
 * every status (failed runs have no folder) for the history page.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { FOLDER_PATTERN, STACK_PATTERN, SERVICE_PATTERN, backupRoot, folderTime } from "./backup-paths";
import { readManifest, type Manifest } from "./manifest";

export type BackupOnDisk = {
  id: string;
  stack: string;
  service: string;
  folder: string;
  name: string | null;
  startedAt: Date;
  dir: string;
  manifest: Manifest | null;
  /** Why the manifest could not be read (a damaged backup is listed, not hidden). */
  problem: string | null;
};

async function dirs(p: string): Promise<string[]> {
  const entries = await readdir(p, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.isSymbolicLink()).map((e) => e.name);
}

/** Complete backups under the root, newest first; optionally of one stack/service. */
export async function listBackupsOnDisk(filter: { stack?: string; service?: string; root?: string } = {}): Promise<BackupOnDisk[]> {
  const root = filter.root ?? backupRoot();
  const out: BackupOnDisk[] = [];
  for (const stack of await dirs(root)) {
    if (!STACK_PATTERN.test(stack) || (filter.stack && stack !== filter.stack)) continue;
    for (const service of await dirs(path.join(/*turbopackIgnore: true*/ root, stack))) {
      if (!SERVICE_PATTERN.test(service) || (filter.service && service !== filter.service)) continue;
      for (const folder of await dirs(path.join(/*turbopackIgnore: true*/ root, stack, service))) {
        const m = FOLDER_PATTERN.exec(folder);
        if (!m) continue; // `.partial` and anything foreign
        const dir = path.join(/*turbopackIgnore: true*/ root, stack, service, folder); // BACKUP_DIR: not part of the build
        let manifest: Manifest | null = null;
        let problem: string | null = null;
        try {
          manifest = await readManifest(dir);
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
        out.push({ id: `${stack}/${service}/${folder}`, stack, service, folder, name: m[2] ?? null, startedAt: folderTime(folder)!, dir, manifest, problem });
      }
    }
  }
  return out.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}
