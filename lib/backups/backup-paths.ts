/**
 * Backup ids and the paths they name, validated (invariant 4): an id is `<stack>/<service>/<folder>`,
 * each part matched against a strict pattern, and every path is resolved (symlinks followed) and must
 * stay inside BACKUP_DIR. A crafted id (`../`, an absolute path, a NUL, a symlink planted in the
 * backup tree) is refused before anything is read or deleted.
 *
 * Layout: `<BACKUP_DIR>/<stack>/<service>/<timestamp>[-<name>]/` with the dump files and manifest.json;
 * a backup being written lives in `<folder>.partial` and is renamed when complete, so a partial folder
 * never matches FOLDER and is never listed, read or downloaded as a backup.
 */
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { backupEnv } from "../config/env";
import { AppError } from "../errors/app-error";

export const STACK_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const SERVICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** A backup's optional name, e.g. `pre-upgrade-1.43.0`. */
export const BACKUP_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** `20261125T021500123Z` or with a name: `20261125T021500123Z-pre-upgrade-1.43.0`. */
export const FOLDER_PATTERN = /^(\d{8}T\d{9}Z)(?:-([a-z0-9][a-z0-9._-]{0,62}))?$/;
/** One segment of a file path inside a backup (names are encoded by encodeNameForFile). */
const FILE_SEGMENT = /^[A-Za-z0-9_%][A-Za-z0-9_.%-]{0,240}$/;
export const PARTIAL_SUFFIX = ".partial";
export const MANIFEST_FILE = "manifest.json";

export type BackupIdParts = { stack: string; service: string; folder: string };

function invalid(what: string, value: unknown): never {
  throw new AppError("INVALID_INPUT", `That is not a valid ${what}.`, { logDetail: `rejected ${what} ${JSON.stringify(String(value).slice(0, 120))}` });
}

export function isBackupName(value: unknown): value is string {
  return typeof value === "string" && BACKUP_NAME_PATTERN.test(value) && !value.includes("..");
}

export function assertStackAndService(stack: unknown, service: unknown): { stack: string; service: string } {
  if (typeof stack !== "string" || !STACK_PATTERN.test(stack)) invalid("stack name", stack);
  if (typeof service !== "string" || !SERVICE_PATTERN.test(service)) invalid("service name", service);
  return { stack, service };
}

/** Splits and validates a backup id; throws INVALID_INPUT for anything else. */
export function parseBackupId(id: unknown): BackupIdParts {
  if (typeof id !== "string" || id.length > 300 || id.includes("\0")) invalid("backup id", id);
  const parts = id.split("/");
  if (parts.length !== 3) invalid("backup id", id);
  const [stack, service, folder] = parts as [string, string, string];
  assertStackAndService(stack, service);
  const m = FOLDER_PATTERN.exec(folder);
  if (!m || (m[2] !== undefined && !isBackupName(m[2]))) invalid("backup id", id);
  return { stack, service, folder };
}

export function backupIdOf(parts: BackupIdParts): string {
  return `${parts.stack}/${parts.service}/${parts.folder}`;
}

/** The folder name of a backup started at `at`, with an optional validated name. */
export function folderNameFor(at: Date, name?: string | null): string {
  if (name != null && !isBackupName(name)) invalid("backup name", name);
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(".", ""); // 20261125T021500123Z
  return name ? `${stamp}-${name}` : stamp;
}

/** When a backup folder's timestamp says it started. */
export function folderTime(folder: string): Date | null {
  const m = FOLDER_PATTERN.exec(folder);
  if (!m) return null;
  const s = m[1]!;
  return new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`);
}

/**
 * A database/table/key name as one safe file-name segment: letters, digits, `_` and `-` stay, every
 * other byte becomes `%XX` (so `.`, `/` and NUL can never form a path). Reversible with decodeURIComponent.
 */
export function encodeNameForFile(name: string): string {
  let out = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (out === "") return "%";
  return out;
}

/** Validates a file path relative to a backup folder (as listed in its manifest). */
export function assertBackupFilePath(file: unknown): string {
  if (typeof file !== "string" || file.length > 600 || file.includes("\0") || file.includes("\\")) invalid("backup file", file);
  const segments = file.split("/");
  if (segments.length > 3 || segments.some((s) => !FILE_SEGMENT.test(s) || s === "." || s === "..")) invalid("backup file", file);
  return file;
}

/** The configured BACKUP_DIR, absolute. */
export function backupRoot(): string {
  return path.resolve(backupEnv().BACKUP_DIR);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch {
    throw new AppError("NOT_FOUND", "There are no backups yet (the backup directory does not exist).", { logDetail: `BACKUP_DIR ${root} missing` });
  }
}

/**
 * The real path of an existing, complete backup folder. Refuses ids that do not validate, folders
 * that are symlinks, and anything whose real path (after following links anywhere above it) is
 * outside the backup root.
 */
export async function resolveBackupDir(id: unknown, root: string = backupRoot()): Promise<string> {
  const parts = parseBackupId(id);
  const rootReal = await realRoot(root);
  const candidate = path.join(/*turbopackIgnore: true*/ rootReal, parts.stack, parts.service, parts.folder);
  const st = await lstat(candidate).catch(() => null);
  if (!st) throw new AppError("NOT_FOUND", "That backup does not exist (it may have been deleted).");
  if (st.isSymbolicLink() || !st.isDirectory()) invalid("backup id", id);
  const real = await realpath(candidate);
  if (!isInside(rootReal, real) || path.relative(rootReal, real).split(path.sep).length !== 3) invalid("backup id", id);
  return real;
}

/** The real path of a regular file inside a backup folder; the same refusals, plus non-regular files. */
export async function resolveBackupFile(id: unknown, file: unknown, root: string = backupRoot()): Promise<string> {
  const dir = await resolveBackupDir(id, root);
  const rel = assertBackupFilePath(file);
  const candidate = path.join(dir, ...rel.split("/"));
  const st = await lstat(candidate).catch(() => null);
  if (!st) throw new AppError("NOT_FOUND", "That file is not in the backup.");
  if (st.isSymbolicLink() || !st.isFile()) invalid("backup file", file);
  const real = await realpath(candidate);
  if (!isInside(dir, real)) invalid("backup file", file);
  return real;
}

/** Where a new backup is written while incomplete, and where it goes when complete (not created here). */
export function newBackupPaths(root: string, parts: BackupIdParts): { serviceDir: string; partial: string; final: string } {
  assertStackAndService(parts.stack, parts.service);
  if (!FOLDER_PATTERN.test(parts.folder)) invalid("backup id", backupIdOf(parts));
  const serviceDir = path.join(path.resolve(root), parts.stack, parts.service);
  return { serviceDir, partial: path.join(serviceDir, parts.folder + PARTIAL_SUFFIX), final: path.join(serviceDir, parts.folder) };
}
