/**
 * Postgres: `pg_dumpall --globals-only` (roles, tablespaces) plus one `pg_dump -Fc` per database,
 * run in the server's container. Custom-format dumps are compressed by pg_dump already, so they are
 * stored as they come; the globals SQL is compressed. Discovery records the server version, every
 * database with its size and every table with its row estimate (pg_class.reltuples).
 * Verify runs `pg_restore --list` on the streamed dump; restore feeds it to `pg_restore`.
 *
 * The password travels as PGPASSWORD in the exec environment; database names are passed inside a
 * quoted conninfo (`dbname='…'`), so a name containing `=` or spaces cannot become connection options.
 */
import { encodeNameForFile } from "../backup-paths";
import { execText, expectSuccess, runCommand, tool } from "./command";
import type { BackupEngine, BackupTarget, DatabaseInfo, DumpFileSpec, DumpPlan, EngineDescription, ExecCommand, RestoreInput, RestoreOptions, VerifyFinding } from "./types";

/** libpq conninfo value quoting: single quotes, backslash-escaped. */
export function conninfoQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a database name cannot contain NUL");
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function connFlags(t: BackupTarget): string[] {
  const flags = ["-h", t.host ?? "127.0.0.1"];
  if (t.port) flags.push("-p", String(t.port));
  if (t.user) flags.push("-U", t.user);
  flags.push("-w"); // never prompt: fail at once without a password
  return flags;
}

function pgEnv(t: BackupTarget): { env: Record<string, string>; secretEnv: string[] } {
  const env: Record<string, string> = { PGCONNECT_TIMEOUT: "15", PGAPPNAME: "opsdeck-backup" };
  if (t.password !== undefined) env.PGPASSWORD = t.password;
  return { env, secretEnv: ["PGPASSWORD"] };
}

function psqlJson(t: BackupTarget, database: string, sql: string): ExecCommand {
  return {
    kind: "exec",
    argv: [tool(t, "psql"), ...connFlags(t), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", `--dbname=dbname=${conninfoQuote(database)}`, "-c", sql],
    ...pgEnv(t),
  };
}

const VERSION_AND_DATABASES = `select json_build_object(
  'version', current_setting('server_version'),
  'databases', coalesce((select json_agg(json_build_object('name', datname, 'bytes',
      case when has_database_privilege(datname, 'CONNECT') then pg_database_size(datname) end) order by datname)
    from pg_database where datallowconn and not datistemplate), '[]'::json))`;

const TABLES = `select coalesce(json_agg(json_build_object('schema', n.nspname, 'name', c.relname,
    'rows', case when c.reltuples < 0 then null else c.reltuples::bigint end, 'bytes', pg_total_relation_size(c.oid))
  order by n.nspname, c.relname), '[]'::json)
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`;

function maintenanceDb(t: BackupTarget): string {
  return t.database ?? "postgres";
}

export function pgDumpCommand(t: BackupTarget, database: string): ExecCommand {
  return { kind: "exec", argv: [tool(t, "pg_dump"), ...connFlags(t), "-Fc", `--dbname=dbname=${conninfoQuote(database)}`], ...pgEnv(t) };
}

export function pgDumpallGlobalsCommand(t: BackupTarget): ExecCommand {
  return { kind: "exec", argv: [tool(t, "pg_dumpall"), ...connFlags(t), "--globals-only", "-l", maintenanceDb(t)], ...pgEnv(t) };
}

/** The pg_restore a restore runs (the dump on stdin), also shown in restore plans. */
export function pgRestoreCommand(t: BackupTarget, into: string, options: Pick<RestoreOptions, "clean"> = {}): ExecCommand {
  return {
    kind: "exec",
    argv: [tool(t, "pg_restore"), ...connFlags(t), `--dbname=dbname=${conninfoQuote(into)}`, "--exit-on-error", ...(options.clean ? ["--clean", "--if-exists"] : [])],
    ...pgEnv(t),
  };
}

/** A psql query run as the restore's login (restores: database checks and CREATE DATABASE). */
export function pgQueryCommand(t: BackupTarget, database: string, sql: string): ExecCommand {
  return psqlJson(t, database, sql);
}

export const postgresEngine: BackupEngine = {
  kind: "postgres",

  async describe(t): Promise<EngineDescription> {
    const head = JSON.parse((await execText(t, psqlJson(t, maintenanceDb(t), VERSION_AND_DATABASES))).trim()) as {
      version: string;
      databases: Array<{ name: string; bytes: number | null }>;
    };
    const wanted = t.databases ? head.databases.filter((d) => t.databases!.includes(d.name)) : head.databases;
    if (t.databases) {
      const missing = t.databases.filter((d) => !head.databases.some((h) => h.name === d));
      if (missing.length) throw new Error(`database ${missing.join(", ")} does not exist on the server`);
    }
    const databases: DatabaseInfo[] = [];
    for (const db of wanted) {
      const tables = JSON.parse((await execText(t, psqlJson(t, db.name, TABLES))).trim()) as Array<{ schema: string; name: string; rows: number | null; bytes: number | null }>;
      databases.push({ name: db.name, bytes: db.bytes, tables: tables.map((tb) => ({ ...tb, dataDumped: true })) });
    }
    const estimated = databases.reduce((sum, d) => sum + (d.bytes ?? 0), 0);
    return { serverVersion: head.version, databases, details: {}, estimatedBytes: estimated || null };
  },

  plan(t, description): DumpPlan {
    const globals: DumpFileSpec = {
      file: "globals.sql",
      format: "postgres-globals-sql",
      compress: true,
      command: pgDumpallGlobalsCommand(t),
      what: "roles and tablespaces (pg_dumpall --globals-only)",
      estimatedBytes: 0,
    };
    const discovery = [psqlJson(t, maintenanceDb(t), VERSION_AND_DATABASES), psqlJson(t, "{database}", TABLES)];
    if (!description) {
      return {
        discovery,
        prepare: [],
        files: [
          globals,
          { file: "{database}.pgdump", format: "postgres-custom", compress: false, command: pgDumpCommand(t, "{database}"), what: "one custom-format dump per database", estimatedBytes: null, database: "{database}" },
        ],
        placeholders: "{database}: every database that allows connections and is not a template (listed by the first discovery query)",
      };
    }
    return {
      discovery,
      prepare: [],
      files: [
        globals,
        ...description.databases.map(
          (db): DumpFileSpec => ({
            file: `${encodeNameForFile(db.name)}.pgdump`,
            format: "postgres-custom",
            compress: false,
            command: pgDumpCommand(t, db.name),
            what: `database ${db.name} (pg_dump -Fc)`,
            estimatedBytes: db.bytes,
            database: db.name,
            rows: db.tables.reduce<number | null>((sum, tb) => (tb.rows === null || sum === null ? sum : sum + tb.rows), 0),
          }),
        ),
      ],
    };
  },

  async restore(t, input: RestoreInput, options: RestoreOptions = {}) {
    let command: ExecCommand;
    if (input.format === "postgres-custom") {
      const into = options.intoDatabase ?? input.database;
      if (!into) throw new Error("restore needs the database to restore into");
      command = pgRestoreCommand(t, into, options);
    } else if (input.format === "postgres-globals-sql") {
      // Roles that exist already make CREATE ROLE fail; the rest still applies (no ON_ERROR_STOP).
      command = { kind: "exec", argv: [tool(t, "psql"), ...connFlags(t), "-X", "-q", `--dbname=dbname=${conninfoQuote(maintenanceDb(t))}`, "-f", "-"], ...pgEnv(t) };
    } else {
      throw new Error(`the Postgres engine cannot restore a ${input.format} file`);
    }
    const running = await runCommand(t, command, { input: input.stream });
    running.stdout.resume();
    const outcome = await expectSuccess(t, command, running.outcome);
    return { detail: outcome.stderrTail.trim().split("\n").slice(-3).join(" | ") || "restored" };
  },

  async verify(t, input: RestoreInput): Promise<VerifyFinding | null> {
    if (input.format !== "postgres-custom") return null;
    const command: ExecCommand = { kind: "exec", argv: [tool(t, "pg_restore"), "--list"], env: {}, secretEnv: [] };
    // Bounded: pg_restore --list reads only the table of contents; a container stopped meanwhile must not hang a verify.
    const running = await runCommand(t, command, { input: input.stream, signal: AbortSignal.timeout(5 * 60_000) });
    let entries = 0;
    let partial = "";
    for await (const chunk of running.stdout as AsyncIterable<Buffer>) {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      entries += lines.filter((l) => l.trim() !== "" && !l.startsWith(";")).length;
    }
    if (partial.trim() && !partial.startsWith(";")) entries++;
    const outcome = await running.outcome;
    if (outcome.stdinError) throw outcome.stdinError;
    if (outcome.exitCode !== 0) return { ok: false, detail: `pg_restore --list failed (exit ${outcome.exitCode}): ${outcome.stderrTail.trim().slice(-300)}` };
    return { ok: true, detail: `pg_restore --list read ${entries} table-of-contents entries` };
  },
};
