/**
 * Verifies a backup: every file in the manifest is re-read and re-hashed (sha256 and size) against the
 * manifest; encrypted files are decrypted (authenticated) and compressed ones decompressed, when the
 * key is available, which proves the bytes can be read back; for Postgres, each dump is streamed into
 * `pg_restore --list` in the service's container (its table of contents must read). The manifest's
 * own hash is compared with the one recorded when the backup finished. The result, naming each
 * failing file, is stored (backup_verifications) and returned.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { PassThrough, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pool } from "../db/pool";
import { CountingTap, decompressor } from "./artifact-writer";
import { MANIFEST_FILE, backupRoot, resolveBackupDir, resolveBackupFile } from "./backup-paths";
import { getRunByBackupId } from "./backup-runs";
import { createAgeDecryptStream } from "./encryption/age-stream";
import { loadBackupKeys } from "./encryption/age-keys";
import { engineFor } from "./engines";
import type { BackupTarget } from "./engines/types";
import { readManifest, type ManifestFile } from "./manifest";

export type FileCheck = { path: string; ok: boolean; bytes: number | null; problem: string | null; check: string | null };
export type VerifyResult = { id: string; backupId: string; ok: boolean; summary: string; files: FileCheck[]; startedAt: Date; finishedAt: Date };

const sink = () =>
  new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });

async function checkFile(
  backupId: string,
  root: string,
  file: ManifestFile,
  identities: string[],
  target: BackupTarget | null,
): Promise<FileCheck> {
  const abs = await resolveBackupFile(backupId, file.path, root).catch((error: unknown) => error as Error);
  if (abs instanceof Error) return { path: file.path, ok: false, bytes: null, problem: `${file.path}: missing (${abs.message})`, check: null };
  const tap = new CountingTap(true);
  const canOpen = !file.encrypted || identities.length > 0;
  const engine = target ? engineFor(target.kind) : null;
  const wantsEngineCheck = canOpen && engine?.verify !== undefined && file.format === "postgres-custom";
  let check: string | null = null;
  let readProblem: string | null = null;
  const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream> = [createReadStream(abs), tap];
  if (canOpen) {
    if (file.encrypted) stages.push(createAgeDecryptStream(identities));
    const d = decompressor(file.compression);
    if (d) stages.push(d);
  }
  let engineCheck: Promise<void> | null = null;
  if (wantsEngineCheck) {
    const plain = new PassThrough();
    stages.push(plain);
    engineCheck = engine!
      .verify!(target!, { file: file.path, format: file.format, database: file.database, table: file.table, stream: plain as Readable })
      .then((finding) => {
        if (finding) {
          check = finding.detail;
          if (!finding.ok) readProblem = `${file.path}: ${finding.detail}`;
        }
      })
      .catch((error: unknown) => {
        readProblem = `${file.path}: engine check failed: ${error instanceof Error ? error.message : String(error)}`;
      });
  } else {
    stages.push(sink());
  }
  try {
    await (pipeline as unknown as (...s: unknown[]) => Promise<void>)(...stages);
  } catch (error) {
    // pg_restore --list stops reading after the table of contents: a closed consumer is not a read failure.
    const code = (error as { code?: string }).code;
    if (!(wantsEngineCheck && (code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ERR_STREAM_DESTROYED"))) readProblem ??= `${file.path}: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (engineCheck) await engineCheck;
  // Hash and size of what is on disk: read to the end even when a consumer stopped early.
  if (tap.bytes !== file.bytes || readProblem) {
    const full = await hashFile(abs);
    if (full.sha256 !== file.sha256 || full.bytes !== file.bytes) return { path: file.path, ok: false, bytes: full.bytes, problem: `${file.path}: sha256 does not match the manifest (the file was changed or is corrupted)`, check };
    return { path: file.path, ok: readProblem === null, bytes: full.bytes, problem: readProblem, check };
  }
  if (tap.digest() !== file.sha256) return { path: file.path, ok: false, bytes: tap.bytes, problem: `${file.path}: sha256 does not match the manifest (the file was changed or is corrupted)`, check };
  if (!canOpen) check = "checksum only: no age identity is configured to decrypt it";
  return { path: file.path, ok: readProblem === null, bytes: tap.bytes, problem: readProblem, check: check ?? (file.encrypted || file.compression !== "none" ? "decrypted and decompressed" : null) };
}

async function hashFile(p: string): Promise<{ sha256: string; bytes: number }> {
  const tap = new CountingTap(true);
  await pipeline(createReadStream(p), tap, sink());
  return { sha256: tap.digest(), bytes: tap.bytes };
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

export async function verifyBackup(args: {
  backupId: string;
  root?: string;
  /** The service's container, for engine checks (pg_restore --list); null skips them. */
  target?: BackupTarget | null;
  trigger?: "user" | "schedule";
  requestedByEmail?: string | null;
}): Promise<VerifyResult> {
  const root = args.root ?? backupRoot();
  const startedAt = new Date();
  const dir = await resolveBackupDir(args.backupId, root);
  const files: FileCheck[] = [];
  let manifestProblem: string | null = null;
  const run = await getRunByBackupId(args.backupId);
  try {
    const manifest = await readManifest(dir);
    if (run?.manifestSha256) {
      const actual = createHash("sha256").update(await readFile(path.join(dir, MANIFEST_FILE))).digest("hex");
      if (actual !== run.manifestSha256) manifestProblem = "manifest.json: changed since the backup was written (its sha256 differs from the one recorded)";
    }
    const { identities } = await loadBackupKeys();
    const target = args.target && args.target.kind === manifest.engine ? args.target : null;
    for (const file of manifest.files) files.push(await checkFile(args.backupId, root, file, identities, target));
    const listed = new Set([...manifest.files.map((f) => f.path), MANIFEST_FILE]);
    for (const extra of (await listFiles(dir)).filter((f) => !listed.has(f))) files.push({ path: extra, ok: false, bytes: null, problem: `${extra}: not listed in the manifest`, check: null });
  } catch (error) {
    manifestProblem = `manifest.json: ${error instanceof Error ? error.message : String(error)}`;
  }
  const problems = [manifestProblem, ...files.map((f) => f.problem)].filter((p): p is string => p !== null);
  const ok = problems.length === 0;
  const summary = ok ? `All ${files.length} files match the manifest${files.some((f) => f.check?.startsWith("pg_restore")) ? "; pg_restore --list read every dump" : ""}.` : problems.join("; ");
  const finishedAt = new Date();
  const id = randomUUID();
  await pool().query(
    `insert into backup_verifications (id, backup_id, run_id, trigger, requested_by_email, started_at, finished_at, ok, summary, files)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
    [id, args.backupId, run?.id ?? null, args.trigger ?? "user", args.requestedByEmail ?? null, startedAt, finishedAt, ok, summary.slice(0, 4000), JSON.stringify(files)],
  );
  return { id, backupId: args.backupId, ok, summary, files, startedAt, finishedAt };
}

/** The latest verification of each of these backups. */
export async function latestVerifications(backupIds: string[]): Promise<Map<string, { ok: boolean; summary: string; at: Date }>> {
  if (backupIds.length === 0) return new Map();
  const { rows } = await pool().query<{ backupId: string; ok: boolean; summary: string; at: Date }>(
    `select distinct on (backup_id) backup_id as "backupId", ok, summary, finished_at as at from backup_verifications
      where backup_id = any($1::text[]) order by backup_id, finished_at desc`,
    [backupIds],
  );
  return new Map(rows.map((r) => [r.backupId, { ok: r.ok, summary: r.summary, at: r.at }]));
}
