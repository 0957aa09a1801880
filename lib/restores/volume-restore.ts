/**
 * What a guided restore of a volume (e.g. PostHog uploads) needs beyond the volume engine's putArchive:
 * - whether the path already holds files (then only an explicit "drop and replace" may go ahead),
 * - emptying the path for "drop and replace" (`find <path> -mindepth 1 -maxdepth 1 -exec rm -rf {} +`, an
 *   argv: no shell; busybox's find has no -delete), so
 *   that files the backup does not have do not survive the restore,
 * - verification: every entry of the backup's tar is back, with the same type and size.
 * The container is read through the Engine API's archive endpoint (as `docker cp`), which works on a
 * stopped container too; only emptying needs it running (and `find` in it).
 */
import path from "node:path";
import type { Readable } from "node:stream";
import { extract } from "tar-stream";
import { execText } from "../backups/engines/command";
import type { BackupTarget, ExecCommand } from "../backups/engines/types";
import type { VerifyCheck } from "./restore-types";

export type TarEntry = { name: string; type: string; size: number };

/** The target's absolute path (validated like the volume engine does). */
export function volumeTargetPath(target: BackupTarget): string {
  const p = target.path;
  if (!p || !path.posix.isAbsolute(p) || p.includes("\0") || p.split("/").includes("..")) throw new Error("a volume restore needs an absolute path in the container");
  return path.posix.normalize(p);
}

/**
 * The entries of a tar stream below its top directory (the archive of /data holds "data/…": the names
 * here are relative to it, "" being the directory itself, which is left out). Contents are skipped.
 * Stops reading after `limit` entries.
 */
export async function tarEntries(stream: Readable, limit = Number.POSITIVE_INFINITY): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const parser = extract();
  const done = new Promise<void>((resolve, reject) => {
    parser.on("entry", (header, body, next) => {
      const relative = header.name.replace(/^\.?\/*/, "").split("/").slice(1).join("/").replace(/\/$/, "");
      if (relative) entries.push({ name: relative, type: header.type ?? "file", size: header.type === "file" ? (header.size ?? 0) : 0 });
      if (entries.length >= limit) {
        body.resume();
        parser.destroy();
        stream.destroy();
        resolve();
        return;
      }
      body.on("end", next);
      body.resume();
    });
    parser.on("finish", resolve);
    parser.on("close", resolve);
    parser.on("error", reject);
    stream.on("error", reject);
  });
  stream.pipe(parser);
  await done;
  return entries;
}

async function containerArchive(target: BackupTarget): Promise<Readable | null> {
  try {
    return (await target.docker.getContainer(target.containerId).getArchive({ path: volumeTargetPath(target) })) as unknown as Readable;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null; // the path does not exist: nothing there
    throw error;
  }
}

/**
 * Whether the path holds anything. Reads the archive only up to its first entry below the path (the
 * stream is then dropped): a volume of many gigabytes is not read to answer this.
 */
export async function volumeHoldsFiles(target: BackupTarget): Promise<boolean> {
  const archive = await containerArchive(target);
  if (!archive) return false;
  return (await tarEntries(archive, 1)).length > 0;
}

/** Removes everything below the path and keeps the path (a mount point): `find <path> -mindepth 1 -maxdepth 1 -exec rm -rf {} +`. */
export function emptyPathCommand(target: BackupTarget): ExecCommand {
  return { kind: "exec", argv: ["find", volumeTargetPath(target), "-mindepth", "1", "-maxdepth", "1", "-exec", "rm", "-rf", "{}", "+"], env: {}, secretEnv: [] };
}

/** Preflight for "drop and replace": `find` and `rm` run in the container (read-only: `rm --help`, and find lists only the path itself). */
export async function canEmptyPath(target: BackupTarget): Promise<string | null> {
  try {
    await execText(target, { kind: "exec", argv: ["find", volumeTargetPath(target), "-maxdepth", "0", "-exec", "rm", "--help", ";"], env: {}, secretEnv: [] }, { timeoutMs: 15_000 });
    return null;
  } catch (error) {
    return `cannot run find and rm in ${target.service}'s container (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); it must be running and have both to empty ${target.path}`;
  }
}

export async function emptyVolumePath(target: BackupTarget): Promise<string> {
  await execText(target, emptyPathCommand(target), { timeoutMs: 30 * 60_000 });
  return `removed everything below ${target.path}`;
}

/** Every entry of the backup is back with the same type (and size, for files); entries the backup lacks are reported. */
export async function verifyVolumeRestore(target: BackupTarget, backupTar: Readable, dropAndReplace: boolean): Promise<VerifyCheck[]> {
  const expected = await tarEntries(backupTar);
  const archive = await containerArchive(target);
  const actual = archive ? await tarEntries(archive) : [];
  const byName = new Map(actual.map((e) => [e.name, e]));
  const missing = expected.filter((e) => !byName.has(e.name));
  const differs = expected.filter((e) => {
    const a = byName.get(e.name);
    return a && (a.type !== e.type || a.size !== e.size);
  });
  const backupNames = new Set(expected.map((e) => e.name));
  const extra = actual.filter((e) => !backupNames.has(e.name));
  const checks: VerifyCheck[] = [
    { what: `${target.path}: entries of the backup present`, expected: expected.length, actual: expected.length - missing.length, result: missing.length ? "fail" : "ok", ...(missing.length ? { detail: `missing: ${missing.slice(0, 10).map((m) => m.name).join(", ")}` } : {}) },
    { what: `${target.path}: same type and size`, expected: expected.length - missing.length, actual: expected.length - missing.length - differs.length, result: differs.length ? "fail" : "ok", ...(differs.length ? { detail: `differ: ${differs.slice(0, 10).map((d) => d.name).join(", ")}` } : {}) },
  ];
  if (extra.length) {
    checks.push({
      what: `${target.path}: entries not in the backup`,
      expected: 0,
      actual: extra.length,
      // After emptying the path nothing else may be there; without it, files the backup lacks stay by design.
      result: dropAndReplace ? "fail" : "warn",
      detail: `${extra.slice(0, 10).map((e) => e.name).join(", ")}${dropAndReplace ? "" : " (kept: without drop and replace, a volume restore only adds and overwrites)"}`,
    });
  }
  return checks;
}
