/**
 * The plan: the exact ordered steps a restore runs and the commands of each (argv, secrets masked),
 * built from the preflight's facts. A dry run stores it and stops; an execution runs these steps in
 * this order and records each one.
 *
 * Order: [start the target (rollback)] → safety backup → stop dependents → prepare (Postgres:
 * create a missing database; ClickHouse with drop and replace: drop the dump's tables) → restore →
 * verify counts against the manifest → start dependents → wait until every container is healthy.
 * Counts are verified before the dependents start: the applications would change them.
 */
import path from "node:path";
import { chIdent, chQuery } from "../backups/engines/clickhouse";
import { displayCommand } from "../backups/engines/command";
import { engineFor } from "../backups/engines";
import { pgQueryCommand, pgRestoreCommand } from "../backups/engines/postgres";
import { redisCli } from "../backups/engines/redis";
import type { BackupTarget, CommandDisplay, EngineDescription } from "../backups/engines/types";
import { emptyPathCommand, volumeTargetPath } from "./volume-restore";
import type { ManifestFile } from "../backups/manifest";
import { maintenanceDatabase } from "./preflight";
import type { PlanStep, RestoreFacts, RestoreKind, RestorePlan } from "./restore-types";

export const STEP = {
  safetyBackup: "safety-backup",
  stopDependents: "stop-dependents",
  prepare: "prepare",
  restore: "restore",
  verify: "verify",
  startDependents: "start-dependents",
  waitHealthy: "wait-healthy",
} as const;

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function quoteIdent(value: string): string {
  if (value.includes("\0")) throw new Error("an identifier cannot contain NUL");
  return `"${value.replace(/"/g, '""')}"`;
}

/** Postgres: run only when the database does not exist (checked first; CREATE DATABASE cannot run in a DO block). */
export function createDatabaseSql(name: string): string {
  return `CREATE DATABASE ${quoteIdent(name)}`;
}

export function dropTableSql(database: string, table: string): string {
  return `DROP TABLE IF EXISTS ${chIdent(database)}.${chIdent(table)}`;
}

function restoreCommands(target: BackupTarget, files: ManifestFile[], facts: RestoreFacts, dropAndReplace: boolean): CommandDisplay[] {
  if (target.kind === "postgres") {
    return files.map((f) => {
      const into = facts.databases.find((m) => m.from === f.database)?.into ?? f.database!;
      return { ...displayCommand(pgRestoreCommand(target, into, { clean: dropAndReplace })), stdin: `${f.path} (decrypted, decompressed, streamed)` } as CommandDisplay;
    });
  }
  if (target.kind === "clickhouse") {
    return files.map((f) => {
      const sql = f.format === "clickhouse-ddl" ? `(DDL of ${f.database}.${f.table} on stdin, --multiquery)` : `INSERT INTO ${chIdent(f.database!)}.${chIdent(f.table!)} FORMAT Native`;
      const base = displayCommand(chQuery(target, sql));
      return { ...base, argv: base.kind === "exec" ? base.argv.map((a) => (a === "/dev/stdin" ? "<mktemp file, mode 0600, removed after>" : a)) : [], stdin: f.path } as CommandDisplay;
    });
  }
  if (target.kind === "redis") {
    const rdb = files[0]?.path ?? "dump.rdb";
    return [
      displayCommand(redisCli(target, "CONFIG", "GET", "appendonly")),
      { kind: "exec", argv: ["dd", "of={dir}/{dbfilename}.opsdeck-restore", "bs=1048576"], env: {}, stdin: `${rdb} (streamed)` },
      displayCommand(redisCli(target, "CONFIG", "SET", "save", "")),
      { kind: "exec", argv: ["mv", "-f", "{dir}/{dbfilename}.opsdeck-restore", "{dir}/{dbfilename}"], env: {} },
      displayCommand(redisCli(target, "SHUTDOWN", "NOSAVE")),
      { kind: "archive", path: "(Docker API) start the container; Redis loads the RDB", note: "then PING until PONG (at most 60 s)" },
    ];
  }
  if (target.kind === "volume") {
    return files.map((f) => ({ kind: "archive", path: `PUT /containers/{id}/archive?path=${path.posix.dirname(volumeTargetPath(target))}`, note: `${f.path} (decrypted, decompressed, streamed; as docker cp)` }) as CommandDisplay);
  }
  return [];
}

export function buildRestorePlan(args: {
  kind: RestoreKind;
  target: BackupTarget;
  description: EngineDescription | null;
  facts: RestoreFacts;
  files: ManifestFile[];
  dropAndReplace: boolean;
  backupId: string;
}): RestorePlan {
  const { target, facts, files, kind } = args;
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  if (kind !== "drill") {
    const backupPlan = engineFor(target.kind).plan(target, args.description);
    steps.push({
      key: STEP.safetyBackup,
      title: `Safety backup of ${target.service}'s current data`,
      commands: [...backupPlan.prepare, ...backupPlan.files.map((f) => f.command)].map(displayCommand),
      detail: "a full backup (Phase 4 engine) named pre-restore; the rollback restores it",
    });
  }
  const deps = facts.dependents.filter((d) => d.containers.length);
  if (deps.length) steps.push({ key: STEP.stopDependents, title: `Stop dependents: ${deps.map((d) => d.service).join(", ")}`, commands: [], detail: `Docker API: stop ${deps.flatMap((d) => d.containers).join(", ")} (30 s grace)` });
  const prepare: CommandDisplay[] = [];
  if (target.kind === "postgres") for (const m of facts.databases) prepare.push({ ...displayCommand(pgQueryCommand(target, maintenanceDatabase(target, m.into), createDatabaseSql(m.into))), note: `only if ${m.into} does not exist` } as CommandDisplay);
  if (target.kind === "clickhouse" && args.dropAndReplace) {
    const ddl = files.filter((f) => f.format === "clickhouse-ddl").sort((a, b) => rankDrop(b) - rankDrop(a));
    for (const f of ddl) prepare.push(displayCommand(chQuery(target, dropTableSql(f.database!, f.table!))));
  }
  if (target.kind === "volume" && args.dropAndReplace) prepare.push(displayCommand(emptyPathCommand(target)));
  if (prepare.length) {
    steps.push({
      key: STEP.prepare,
      title:
        target.kind === "postgres"
          ? `Create ${facts.databases.map((m) => m.into).join(", ")} if missing`
          : target.kind === "volume"
            ? `Empty ${target.path} (drop and replace)`
            : `Drop the ${prepare.length} table(s) the backup re-creates (drop and replace)`,
      commands: prepare,
    });
  }
  steps.push({
    key: STEP.restore,
    title: `Restore ${files.length} file(s) from ${args.backupId}${facts.databases.length ? ` into ${facts.databases.map((m) => m.into).join(", ")}` : ""}`,
    commands: restoreCommands(target, files, facts, args.dropAndReplace),
    detail: `about ${Math.round(facts.restoreBytes / 1024)} KiB of dump data`,
  });
  steps.push({ key: STEP.verify, title: target.kind === "volume" ? "Verify every file and folder of the backup is back, with its size" : "Verify table and row counts against the manifest", commands: [] });
  if (deps.length) steps.push({ key: STEP.startDependents, title: `Start dependents: ${deps.map((d) => d.service).join(", ")}`, commands: [] });
  steps.push({ key: STEP.waitHealthy, title: "Wait until every container involved is healthy", commands: [] });
  if (target.kind === "postgres") {
    notes.push(args.dropAndReplace ? "Drop and replace: pg_restore --clean --if-exists drops each object of the dump before re-creating it; objects the dump does not hold stay." : "No --clean: the target database is empty.");
    notes.push("pg_restore reads the dump on stdin (streamed, decrypted on the fly), so it restores with one job: -j needs a seekable file in the container.");
    notes.push("Roles (globals.sql) are not restored: they would overwrite the target's role passwords.");
  }
  if (target.kind === "redis") notes.push("Redis: the RDB replaces the whole dataset (every database); the server restarts without saving.");
  if (target.kind === "volume") {
    notes.push(args.dropAndReplace ? `Drop and replace: everything below ${target.path} is removed first, so the path holds exactly the backup.` : `Without drop and replace, files of the backup are added or overwritten; files the backup does not have stay.`);
    notes.push("Stop the services that write to the volume while it is restored: list them as the service's dependents in the stack config.");
  }
  return { steps, notes };
}

/** ClickHouse drop order: views first, then Distributed/Kafka, then storage tables. */
function rankDrop(f: ManifestFile): number {
  const e = f.tableEngine ?? "";
  if (/View$/.test(e)) return 3;
  if (e === "Distributed" || /^Kafka/.test(e)) return 2;
  return 1;
}
