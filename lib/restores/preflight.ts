/**
 * Preflight: every check a restore needs, each with its result, before anything changes.
 *   manifest → engine / server version / encryption key (compatibility) → target reachable →
 *   checksums, decryption and readability of every file (verifyBackup: re-hash, decrypt, decompress,
 *   pg_restore --list in the target's container; plus the RDB header / DDL text here) → free disk
 *   for the safety backup (BACKUP_DIR) and the restore (the target's data directory) → whether the
 *   target already holds data (then only an explicit "drop and replace" lets it go ahead) → the
 *   database name inside the dump against the target's (a mismatch must be acknowledged) → the
 *   dependents that will be stopped → no backup or restore of the service in progress.
 * Nothing here writes to the target.
 */
import { statfs } from "node:fs/promises";
import type { Readable } from "node:stream";
import { activeRun } from "../backups/backup-runs";
import { backupRoot, resolveBackupDir } from "../backups/backup-paths";
import { loadBackupKeys } from "../backups/encryption/age-keys";
import { clickhouseRestoreRank } from "../backups/engines/clickhouse";
import { execText } from "../backups/engines/command";
import { engineFor } from "../backups/engines";
import { pgQueryCommand } from "../backups/engines/postgres";
import type { BackupTarget, EngineDescription } from "../backups/engines/types";
import { readManifest, type Manifest, type ManifestFile } from "../backups/manifest";
import { openBackupPlaintext } from "../backups/read-backup-file";
import { verifyBackup } from "../backups/verify-backup";
import { engineCheck, encryptionKeyCheck, versionCheck } from "./compatibility";
import { activeRestoreRun } from "./restore-runs";
import type { RestoreTarget } from "./restore-target";
import type { PreflightCheck, PreflightReport, RestoreFacts } from "./restore-types";
import { canEmptyPath, volumeHoldsFiles } from "./volume-restore";

export const RESTORABLE_ENGINES = ["postgres", "clickhouse", "redis", "volume"] as const;
/** Restore drills start a throwaway copy of the service's container: a database server, not an app that mounts a volume. */
export const DRILL_ENGINES = ["postgres", "clickhouse", "redis"] as const;

export type RestoreChoices = {
  /** The admin chose to drop what the target holds and replace it (Postgres: pg_restore --clean --if-exists). */
  dropAndReplace: boolean;
  /** Postgres: which databases of the dump (default: the target's configured database if the dump has it, else every database but `postgres`). */
  databases?: string[];
  /** Postgres: restore the one selected database under this name. */
  intoDatabase?: string;
  /** The admin saw that the dump's database name differs from the target's and goes ahead. */
  acceptDatabaseMismatch?: boolean;
};

export type PreflightResult = PreflightReport & { manifest: Manifest | null; description: EngineDescription | null; files: ManifestFile[] };

const GiB = 1024 ** 3;
const fmt = (n: number | null) => (n === null ? "unknown" : n >= GiB ? `${(n / GiB).toFixed(2)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

/** Postgres: database in the dump → database restored into. */
export function databaseMapping(manifest: Manifest, target: BackupTarget, choices: RestoreChoices): { mapping: Array<{ from: string; into: string }>; problem: string | null } {
  const inDump = [...new Set(manifest.files.filter((f) => f.format === "postgres-custom" || f.format === "clickhouse-native" || f.format === "clickhouse-ddl").map((f) => f.database!).filter(Boolean))];
  if (manifest.engine === "clickhouse") return { mapping: inDump.map((d) => ({ from: d, into: d })), problem: null };
  if (manifest.engine !== "postgres") return { mapping: [], problem: null };
  let selected: string[];
  if (choices.databases?.length) {
    const missing = choices.databases.filter((d) => !inDump.includes(d));
    if (missing.length) return { mapping: [], problem: `the backup has no database ${missing.join(", ")} (it has ${inDump.join(", ")})` };
    selected = choices.databases;
  } else if (target.database && inDump.includes(target.database)) selected = [target.database];
  else {
    selected = inDump.filter((d) => d !== "postgres");
    if (selected.length === 0) selected = inDump;
  }
  if (choices.intoDatabase) {
    if (selected.length !== 1) return { mapping: [], problem: "a different target database name needs exactly one database chosen from the backup" };
    return { mapping: [{ from: selected[0]!, into: choices.intoDatabase }], problem: null };
  }
  if (selected.length === 1 && target.database && target.database !== selected[0] && target.database !== "postgres") return { mapping: [{ from: selected[0]!, into: target.database }], problem: null };
  return { mapping: selected.map((d) => ({ from: d, into: d })), problem: null };
}

/** The files a restore feeds to the engine, in order. */
export function filesToRestore(manifest: Manifest, mapping: Array<{ from: string }>): ManifestFile[] {
  const from = new Set(mapping.map((m) => m.from));
  if (manifest.engine === "postgres") return manifest.files.filter((f) => f.format === "postgres-custom" && from.has(f.database ?? ""));
  if (manifest.engine === "clickhouse") return manifest.files.filter((f) => from.has(f.database ?? "")).sort((a, b) => clickhouseRestoreRank(a) - clickhouseRestoreRank(b));
  if (manifest.engine === "redis") return manifest.files.filter((f) => f.format === "redis-rdb");
  if (manifest.engine === "volume") return manifest.files.filter((f) => f.format === "tar");
  return [];
}

async function readHead(backupId: string, file: ManifestFile, root: string, n: number): Promise<Buffer> {
  const stream: Readable = await openBackupPlaintext(backupId, file, { root });
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** Available bytes at `path` inside the target's container (`df -Pk`), or null when it cannot tell. */
async function containerFreeBytes(target: BackupTarget, dir: string): Promise<number | null> {
  const out = await execText(target, { kind: "exec", argv: ["df", "-Pk", dir], env: {}, secretEnv: [] }, { timeoutMs: 15_000 }).catch(() => null);
  const line = out?.trim().split("\n")[1];
  const avail = line ? Number(line.trim().split(/\s+/)[3]) : NaN;
  return Number.isFinite(avail) ? avail * 1024 : null;
}

async function dataDirectory(target: BackupTarget, description: EngineDescription): Promise<string | null> {
  if (target.kind === "redis") return (description.details as { rdbDir?: string }).rdbDir ?? "/data";
  if (target.kind === "clickhouse") return "/var/lib/clickhouse";
  if (target.kind === "volume") return target.path ?? null;
  if (target.kind === "postgres") {
    const out = await execText(target, pgQueryCommand(target, "postgres", "show data_directory"), { timeoutMs: 15_000 }).catch(() => null);
    return out?.trim() || null;
  }
  return null;
}

/** Read-only discovery of every database; Postgres falls back to the `postgres` database when the configured one does not exist (yet). */
export async function describeTarget(target: BackupTarget): Promise<EngineDescription> {
  const engine = engineFor(target.kind);
  try {
    return await engine.describe({ ...target, databases: undefined });
  } catch (error) {
    if (target.kind !== "postgres" || !target.database || target.database === "postgres") throw error;
    return engine.describe({ ...target, database: "postgres", databases: undefined });
  }
}

/** Postgres: a database to run CREATE DATABASE / catalog queries from, other than `into`. */
export function maintenanceDatabase(target: BackupTarget, into?: string): string {
  return target.database && target.database !== into ? target.database : "postgres";
}

export async function runPreflight(args: { backupId: string; root?: string; restoreTarget: RestoreTarget; choices: RestoreChoices; skipBusyCheck?: boolean }): Promise<PreflightResult> {
  const root = args.root ?? backupRoot();
  const { target, dependents } = args.restoreTarget;
  const { choices } = args;
  const checks: PreflightCheck[] = [];
  const facts: RestoreFacts = { engine: target.kind, sourceServerVersion: null, targetServerVersion: null, databases: [], targetEmpty: null, restoreBytes: 0, currentBytes: null, dependents: [] };
  const done = (manifest: Manifest | null, description: EngineDescription | null, files: ManifestFile[]): PreflightResult => {
    const blockers = checks.filter((c) => c.result === "fail" || c.result === "needs_choice").map((c) => `${c.title}: ${c.detail}`);
    return { ok: blockers.length === 0, checks, blockers, facts, manifest, description, files };
  };

  // 1. The manifest, and whether this backup can go into this service at all.
  let manifest: Manifest;
  try {
    manifest = await readManifest(await resolveBackupDir(args.backupId, root));
    checks.push({ key: "manifest", title: "Manifest", result: "ok", detail: `${manifest.engine} backup of ${manifest.service} from ${manifest.startedAt}, ${manifest.files.length} files` });
  } catch (error) {
    checks.push({ key: "manifest", title: "Manifest", result: "fail", detail: `the backup's manifest cannot be read: ${error instanceof Error ? error.message : String(error)}` });
    return done(null, null, []);
  }
  facts.sourceServerVersion = manifest.serverVersion;
  checks.push(engineCheck(manifest, target.kind, target.service));
  if (!(RESTORABLE_ENGINES as readonly string[]).includes(target.kind)) {
    checks.push({ key: "engine-supported", title: "Guided restore", result: "fail", detail: `guided restores cover ${RESTORABLE_ENGINES.join(", ")}; ${target.kind} is not supported yet` });
  }
  checks.push(await encryptionKeyCheck(manifest, (await loadBackupKeys()).identities));
  if (checks.some((c) => c.result === "fail")) return done(manifest, null, []);

  // 2. The target answers (read-only discovery of every database).
  let description: EngineDescription;
  try {
    description = await describeTarget(target);
    facts.targetServerVersion = description.serverVersion;
    facts.currentBytes = description.estimatedBytes;
    checks.push({ key: "reachable", title: "Target reachable", result: "ok", detail: `${target.service} answers: ${target.kind} ${description.serverVersion ?? "(version unknown)"}` });
  } catch (error) {
    checks.push({ key: "reachable", title: "Target reachable", result: "fail", detail: `${target.service} does not answer: ${error instanceof Error ? error.message : String(error)}` });
    return done(manifest, null, []);
  }
  checks.push(versionCheck(target.kind, manifest.serverVersion, description.serverVersion));

  // 3. Which databases, and where into.
  const { mapping, problem } = databaseMapping(manifest, target, choices);
  if (problem) checks.push({ key: "database-name", title: "Database name", result: "fail", detail: problem });
  facts.databases = mapping;
  const files = filesToRestore(manifest, mapping);
  facts.restoreBytes = files.reduce((s, f) => s + f.sourceBytes, 0);
  if (!problem) {
    const mismatched = mapping.filter((m) => m.from !== m.into);
    const outside = target.kind === "clickhouse" && target.databases ? mapping.filter((m) => !target.databases!.includes(m.into)) : [];
    if (mismatched.length || outside.length) {
      const what = [
        ...mismatched.map((m) => `the dump holds database "${m.from}" and would be restored into "${m.into}"`),
        ...outside.map((m) => `the dump holds database "${m.into}", which is not one of ${target.service}'s configured databases (${target.databases!.join(", ")})`),
      ].join("; ");
      checks.push({
        key: "database-name",
        title: "Database name",
        result: choices.acceptDatabaseMismatch ? "warn" : "needs_choice",
        loud: true,
        detail: `DATABASE NAME MISMATCH: ${what}. ${choices.acceptDatabaseMismatch ? "Acknowledged by the admin." : "Check this is the right backup; confirm the mismatch explicitly to go ahead."}`,
      });
    } else if (mapping.length) {
      checks.push({ key: "database-name", title: "Database name", result: "ok", detail: mapping.map((m) => m.into).join(", ") });
    } else checks.push({ key: "database-name", title: "Database name", result: "skipped", detail: "no database names in this engine's backups" });
  }

  // 4. Checksums, decryption and readability.
  try {
    const verified = await verifyBackup({ backupId: args.backupId, root, target: target.kind === "postgres" ? target : null, trigger: "user" });
    checks.push({ key: "checksums", title: "Checksums and decryption", result: verified.ok ? "ok" : "fail", detail: verified.ok ? verified.summary : `the backup is damaged: ${verified.summary}` });
    if (verified.ok) {
      const problems: string[] = [];
      for (const f of files) {
        if (f.format === "redis-rdb") {
          const head = await readHead(args.backupId, f, root, 9);
          if (!/^REDIS\d{4}$/.test(head.toString("latin1"))) problems.push(`${f.path}: not an RDB file (no REDIS header)`);
        } else if (f.format === "tar") {
          const head = await readHead(args.backupId, f, root, 512);
          if (head.subarray(257, 262).toString("latin1") !== "ustar") problems.push(`${f.path}: not a tar archive (no ustar header)`);
        } else if (f.format === "clickhouse-ddl") {
          const head = (await readHead(args.backupId, f, root, 64)).toString("utf8").trimStart();
          if (!/^(CREATE|ATTACH)\s/i.test(head)) problems.push(`${f.path}: not a CREATE statement`);
        }
      }
      const pgChecked = verified.files.filter((f) => f.check?.startsWith("pg_restore")).length;
      checks.push({
        key: "readable",
        title: "Dump readable",
        result: problems.length ? "fail" : "ok",
        detail: problems.length ? problems.join("; ") : target.kind === "postgres" ? `pg_restore --list read ${pgChecked} dump(s) in ${target.service}'s container` : target.kind === "redis" ? "RDB header present" : target.kind === "volume" ? "tar header present" : `${files.filter((f) => f.format === "clickhouse-ddl").length} DDL statements parsed`,
      });
    }
  } catch (error) {
    checks.push({ key: "checksums", title: "Checksums and decryption", result: "fail", detail: error instanceof Error ? error.message : String(error) });
  }

  // 5. Free disk: the safety backup on the console host, the restore in the target's data directory.
  const host = await statfs(root).then((s) => Number(s.bavail) * Number(s.bsize)).catch(() => null);
  const safetyNeed = description.estimatedBytes;
  checks.push(
    host === null || safetyNeed === null
      ? { key: "disk-backup", title: "Free disk for the safety backup", result: "warn", detail: `cannot tell (free ${fmt(host)}, current data ${fmt(safetyNeed)})` }
      : { key: "disk-backup", title: "Free disk for the safety backup", result: host > safetyNeed ? "ok" : "fail", detail: `${fmt(host)} free in the backup directory; the current data is about ${fmt(safetyNeed)}` },
  );
  const dir = await dataDirectory(target, description);
  const free = dir ? await containerFreeBytes(target, dir) : null;
  checks.push(
    free === null
      ? { key: "disk-restore", title: "Free disk for the restore", result: "warn", detail: `cannot read the free space of ${target.service}'s data directory${dir ? ` (${dir})` : ""}` }
      : { key: "disk-restore", title: "Free disk for the restore", result: free > facts.restoreBytes ? "ok" : "fail", detail: `${fmt(free)} free in ${dir}; the restore writes about ${fmt(facts.restoreBytes)}` },
  );

  // 6. Is the target empty? If not, only an explicit "drop and replace" may go ahead.
  const holds: string[] = [];
  if (target.kind === "postgres") {
    for (const m of mapping) {
      const db = description.databases.find((d) => d.name === m.into);
      if (db && db.tables.length) holds.push(`database ${m.into} has ${db.tables.length} table(s)`);
    }
  } else if (target.kind === "clickhouse") {
    for (const m of mapping) {
      const db = description.databases.find((d) => d.name === m.into);
      if (db && db.tables.length) holds.push(`database ${m.into} has ${db.tables.length} table(s)`);
    }
  } else if (target.kind === "redis") {
    const keys = Number((description.details as { dbsize?: number }).dbsize ?? 0);
    if (keys > 0) holds.push(`${keys} key(s)`);
  } else if (target.kind === "volume") {
    const holdsFiles = await volumeHoldsFiles(target);
    if (holdsFiles) holds.push(`${target.path} holds files`);
    if (holdsFiles && choices.dropAndReplace) {
      const problem = await canEmptyPath(target);
      checks.push(problem ? { key: "empty-path", title: "Can empty the path", result: "fail", detail: problem } : { key: "empty-path", title: "Can empty the path", result: "ok", detail: `find and rm run in ${target.service}'s container: ${target.path} can be emptied before the restore` });
    }
  }
  facts.targetEmpty = holds.length === 0;
  if (holds.length === 0) checks.push({ key: "target-empty", title: "Target empty", result: "ok", detail: "the target holds no data in what will be restored" });
  else if (choices.dropAndReplace) checks.push({ key: "target-empty", title: "Target empty", result: "warn", detail: `not empty (${holds.join("; ")}): "drop and replace" was chosen, so it will be replaced${target.kind === "postgres" ? " (pg_restore --clean --if-exists)" : target.kind === "volume" ? ` (${target.path} is emptied first)` : ""} after a safety backup` });
  else checks.push({ key: "target-empty", title: "Target empty", result: "needs_choice", detail: `the target is not empty (${holds.join("; ")}). Choose "drop and replace" explicitly to replace it, or restore into an empty target.` });

  // 7. Dependents stopped during the restore.
  facts.dependents = dependents.map((d) => ({ service: d.service, containers: d.containers.map((c) => c.name) }));
  if (dependents.length === 0) checks.push({ key: "dependents", title: "Dependents", result: "ok", detail: "no dependents configured (services.<key>.dependents): nothing is stopped" });
  else {
    const none = dependents.filter((d) => d.containers.length === 0).map((d) => d.service);
    checks.push({
      key: "dependents",
      title: "Dependents",
      result: none.length ? "warn" : "ok",
      detail: `will be stopped during the restore and started after: ${dependents.map((d) => `${d.service} (${d.containers.map((c) => `${c.name}${c.running ? "" : ", not running"}`).join(", ") || "no container"})`).join("; ")}`,
    });
  }

  // 8. Nothing else is working on the service.
  if (!args.skipBusyCheck) {
    const backup = await activeRun(target.stack, target.service);
    const restore = await activeRestoreRun(target.stack, target.service);
    const busy = [backup ? `a backup is ${backup.status}` : null, restore ? `a ${restore.kind} is running` : null].filter(Boolean);
    checks.push({ key: "idle", title: "No other run", result: busy.length ? "fail" : "ok", detail: busy.length ? `${busy.join(" and ")} for ${target.service}; wait for it to finish` : "no backup or restore of this service is in progress" });
  }
  return done(manifest, description, files);
}
