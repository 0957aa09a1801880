/**
 * ClickHouse: per database, the DDL of every table (`SHOW CREATE TABLE`) and the data of
 * MergeTree-family tables only, as `FORMAT Native` (compressed here: Native is not). Other tables get
 * their DDL alone, and the manifest says why:
 * - Kafka-engine tables are never read: a SELECT consumes the topic's messages;
 * - Distributed tables hold no data (PostHog's `events` reads `sharded_events`, which is dumped);
 * - views, materialized views (their `.inner` tables are MergeTree and dumped), Log/Memory/Null… tables.
 *
 * Runs `clickhouse-client` inside the server's container. ClickHouse 18.16's client takes a password
 * only as an argument or from a config file, so for dumps the config (with the password) is given on
 * stdin as `--config-file /dev/stdin` and nothing is written in the container; restores need stdin for
 * data, so they write the config to a mktemp file (mode 0600) and remove it afterwards.
 */
import { Readable } from "node:stream";
import { encodeNameForFile } from "../backup-paths";
import { execText, expectSuccess, runCommand, tool, withTempFile } from "./command";
import type { BackupEngine, BackupTarget, DatabaseInfo, DumpFileSpec, DumpPlan, EngineDescription, ExecCommand, RestoreInput, RestoreOptions } from "./types";

const SYSTEM_DATABASES = ["system", "INFORMATION_SCHEMA", "information_schema", "_temporary_and_external_tables"];

/** A backtick-quoted identifier. */
export function chIdent(name: string): string {
  if (name.includes("\0")) throw new Error("an identifier cannot contain NUL");
  return `\`${name.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;
}

function chString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function clientConfig(t: BackupTarget): string {
  return `<?xml version="1.0"?>\n<config>${t.password !== undefined ? `<password>${xmlEscape(t.password)}</password>` : ""}</config>\n`;
}

function clientArgs(t: BackupTarget, configFile: string): string[] {
  // TZ: the client needs a time zone at start; images without /etc/localtime otherwise refuse to run.
  return [tool(t, "clickhouse-client"), "--config-file", configFile, "--host", t.host ?? "127.0.0.1", "--port", String(t.port ?? 9000), "--user", t.user ?? "default"];
}

/** A query whose output is the command's stdout; the password reaches the client on stdin. */
export function chQuery(t: BackupTarget, sql: string): ExecCommand {
  return {
    kind: "exec",
    argv: [...clientArgs(t, "/dev/stdin"), "--query", sql],
    env: { TZ: "UTC" },
    secretEnv: [],
    stdin: { description: "client config with the password (--config-file /dev/stdin)", content: clientConfig(t) },
  };
}

export function isMergeTreeFamily(engine: string): boolean {
  return /MergeTree$/.test(engine);
}

/** Why a table's data is not dumped, or null when it is. */
export function skipReason(engine: string): string | null {
  if (isMergeTreeFamily(engine)) return null;
  if (/^Kafka/.test(engine)) return "Kafka engine: reading it would consume the topic's messages";
  if (engine === "Distributed") return "Distributed: its data lives in the local (sharded_*) tables, which are dumped";
  if (/View$/.test(engine)) return `${engine}: no data of its own`;
  return `${engine}: not a MergeTree-family table`;
}

const LIST_DATABASES = `SELECT name FROM system.databases WHERE name NOT IN (${SYSTEM_DATABASES.map(chString).join(", ")}) ORDER BY name FORMAT JSONEachRow`;
const LIST_TABLES = `SELECT database, name, engine FROM system.tables WHERE database NOT IN (${SYSTEM_DATABASES.map(chString).join(", ")}) AND NOT is_temporary ORDER BY database, name FORMAT JSONEachRow`;
const PART_SIZES = "SELECT database, table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active GROUP BY database, table FORMAT JSONEachRow";

function jsonLines<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

/** Restore order: storage tables, then Distributed/Kafka, then (materialized) views, then data. */
export function clickhouseRestoreRank(input: Pick<RestoreInput, "format" | "tableEngine">): number {
  if (input.format === "clickhouse-native") return 9;
  const e = input.tableEngine ?? "";
  if (/View$/.test(e)) return 3;
  if (e === "Distributed" || /^Kafka/.test(e)) return 2;
  return 1;
}

async function readSmall(stream: Readable, max = 4 * 1024 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new Error("a DDL file larger than 4 MiB is not expected");
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString("utf8");
}

export const clickhouseEngine: BackupEngine = {
  kind: "clickhouse",

  async describe(t): Promise<EngineDescription> {
    const version = (await execText(t, chQuery(t, "SELECT version()"))).trim();
    const dbNames = jsonLines<{ name: string }>(await execText(t, chQuery(t, LIST_DATABASES))).map((d) => d.name);
    const wanted = t.databases ? dbNames.filter((d) => t.databases!.includes(d)) : dbNames;
    if (t.databases) {
      const missing = t.databases.filter((d) => !dbNames.includes(d));
      if (missing.length) throw new Error(`database ${missing.join(", ")} does not exist on the server`);
    }
    const tables = jsonLines<{ database: string; name: string; engine: string }>(await execText(t, chQuery(t, LIST_TABLES)));
    const sizes = jsonLines<{ database: string; table: string; rows: string; bytes: string }>(await execText(t, chQuery(t, PART_SIZES)));
    const sizeOf = (db: string, table: string) => sizes.find((s) => s.database === db && s.table === table);
    const databases: DatabaseInfo[] = wanted.map((db) => {
      const list = tables
        .filter((tb) => tb.database === db)
        .map((tb) => {
          const reason = skipReason(tb.engine);
          const size = sizeOf(db, tb.name);
          return {
            name: tb.name,
            engine: tb.engine,
            rows: size ? Number(size.rows) : isMergeTreeFamily(tb.engine) ? 0 : null,
            bytes: size ? Number(size.bytes) : null,
            dataDumped: reason === null,
            ...(reason ? { reason } : {}),
          };
        });
      return { name: db, bytes: list.reduce((s, tb) => s + (tb.bytes ?? 0), 0), tables: list };
    });
    const estimated = databases.reduce((s, d) => s + (d.bytes ?? 0), 0);
    return { serverVersion: version, databases, details: {}, estimatedBytes: estimated || null };
  },

  plan(t, description): DumpPlan {
    const discovery = [chQuery(t, "SELECT version()"), chQuery(t, LIST_DATABASES), chQuery(t, LIST_TABLES), chQuery(t, PART_SIZES)];
    if (!description) {
      return {
        discovery,
        prepare: [],
        files: [
          { file: "{database}/{table}.sql", format: "clickhouse-ddl", compress: true, command: chQuery(t, "SHOW CREATE TABLE `{database}`.`{table}` FORMAT TSVRaw"), what: "DDL of every table", estimatedBytes: null },
          { file: "{database}/{table}.native", format: "clickhouse-native", compress: true, command: chQuery(t, "SELECT * FROM `{database}`.`{table}` FORMAT Native"), what: "data of every MergeTree-family table", estimatedBytes: null },
        ],
        placeholders: "{database}.{table}: every table listed by the discovery queries; data only for MergeTree-family tables (never Kafka, never Distributed)",
      };
    }
    const files: DumpFileSpec[] = [];
    for (const db of description.databases) {
      for (const tb of db.tables) {
        const base = `${encodeNameForFile(db.name)}/${encodeNameForFile(tb.name)}`;
        files.push({
          file: `${base}.sql`,
          format: "clickhouse-ddl",
          compress: true,
          command: chQuery(t, `SHOW CREATE TABLE ${chIdent(db.name)}.${chIdent(tb.name)} FORMAT TSVRaw`),
          what: `DDL of ${db.name}.${tb.name} (${tb.engine})`,
          estimatedBytes: 0,
          database: db.name,
          table: tb.name,
          tableEngine: tb.engine,
        });
      }
      for (const tb of db.tables.filter((x) => x.dataDumped)) {
        files.push({
          file: `${encodeNameForFile(db.name)}/${encodeNameForFile(tb.name)}.native`,
          format: "clickhouse-native",
          compress: true,
          command: chQuery(t, `SELECT * FROM ${chIdent(db.name)}.${chIdent(tb.name)} FORMAT Native`),
          what: `data of ${db.name}.${tb.name} (${tb.engine}, FORMAT Native)`,
          estimatedBytes: tb.bytes,
          database: db.name,
          table: tb.name,
          rows: tb.rows,
          tableEngine: tb.engine,
        });
      }
    }
    return { discovery, prepare: [], files };
  },

  async restore(t, input: RestoreInput, options: RestoreOptions = {}) {
    if (options.intoDatabase && options.intoDatabase !== input.database) throw new Error("ClickHouse tables are restored into the database they came from");
    if (!input.database || !input.table) throw new Error("restore needs the file's database and table");
    const database = input.database;
    const table = input.table;
    return withTempFile(t, clientConfig(t), async (config) => {
      if (input.format === "clickhouse-ddl") {
        const ddl = (await readSmall(input.stream)).trim();
        const create: ExecCommand = { kind: "exec", argv: [...clientArgs(t, config), "--query", `CREATE DATABASE IF NOT EXISTS ${chIdent(database)}`], env: { TZ: "UTC" }, secretEnv: [] };
        await execText(t, create);
        // The DDL goes on stdin (it may carry engine credentials), never in argv.
        const apply: ExecCommand = { kind: "exec", argv: [...clientArgs(t, config), "--multiquery"], env: { TZ: "UTC" }, secretEnv: [] };
        await execText(t, apply, { input: Readable.from([Buffer.from(`${ddl}\n`)]) });
        return { detail: `created ${database}.${table}` };
      }
      if (input.format === "clickhouse-native") {
        const insert: ExecCommand = { kind: "exec", argv: [...clientArgs(t, config), "--query", `INSERT INTO ${chIdent(database)}.${chIdent(table)} FORMAT Native`], env: { TZ: "UTC" }, secretEnv: [] };
        const running = await runCommand(t, insert, { input: input.stream });
        running.stdout.resume();
        await expectSuccess(t, insert, running.outcome);
        return { detail: `inserted into ${database}.${table}` };
      }
      throw new Error(`the ClickHouse engine cannot restore a ${input.format} file`);
    });
  },
};
