/**
 * Copies to another local directory (a mounted NAS, a second disk): streamed file copies into
 * `<root>/<id>.partial`, each re-read and hashed, then renamed into place.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CountingTap } from "../artifact-writer";
import { FOLDER_PATTERN, MANIFEST_FILE, PARTIAL_SUFFIX, parseBackupId } from "../backup-paths";
import type { Manifest } from "../manifest";
import { RemoteVerifyError, type RemoteStore, type UploadResult } from "./types";

export class LocalStore implements RemoteStore {
  readonly kind = "local" as const;
  constructor(private readonly root: string) {
    if (!path.isAbsolute(root)) throw new Error("a local copy target must be an absolute path");
  }

  describe(): string {
    return this.root;
  }

  private dirOf(backupId: string): string {
    const p = parseBackupId(backupId);
    return path.join(this.root, p.stack, p.service, p.folder);
  }

  async upload(backupId: string, dir: string, manifest: Manifest): Promise<UploadResult> {
    const final = this.dirOf(backupId);
    const partial = final + PARTIAL_SUFFIX;
    await rm(partial, { recursive: true, force: true });
    let bytes = 0;
    for (const rel of [...manifest.files.map((f) => f.path), MANIFEST_FILE]) {
      const to = path.join(partial, ...rel.split("/"));
      await mkdir(path.dirname(to), { recursive: true });
      await pipeline(createReadStream(path.join(dir, ...rel.split("/"))), createWriteStream(to, { flush: true }));
    }
    for (const f of manifest.files) {
      const tap = new CountingTap(true);
      await pipeline(createReadStream(path.join(partial, ...f.path.split("/"))), tap, new Writable({ write: (_c, _e, cb) => cb() }));
      if (tap.digest() !== f.sha256) throw new RemoteVerifyError(f.path, f.sha256, tap.digest());
      bytes += tap.bytes;
    }
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
    return { bytes, files: manifest.files.length, verified: true };
  }

  async remove(backupId: string): Promise<void> {
    await rm(this.dirOf(backupId), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    const dirs = async (p: string) => (await readdir(p, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const s of await dirs(this.root)) for (const v of await dirs(path.join(this.root, s))) for (const f of await dirs(path.join(this.root, s, v))) if (FOLDER_PATTERN.test(f)) out.push(`${s}/${v}/${f}`);
    return out;
  }
}
