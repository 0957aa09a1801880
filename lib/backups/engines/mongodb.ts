/**
 * MongoDB: `mongodump --archive --gzip` in the server's container, one archive for every database
 * (or `--db` for one). The archive is gzip-compressed by mongodump, so it is stored as it comes. The
 * connection URI with the password reaches mongodump through `--config` (YAML) on stdin, never argv;
 * restores (`mongorestore --archive --gzip`, whose stdin is the archive) write that config to a
 * mktemp file (0600) removed afterwards.
 */
import { execText, expectSuccess, runCommand, tool, withTempFile } from "./command";
import type { BackupEngine, BackupTarget, DumpPlan, EngineDescription, ExecCommand, RestoreInput, RestoreOptions } from "./types";

export function mongoConfig(t: BackupTarget): string {
  const auth = t.user ? `${encodeURIComponent(t.user)}${t.password !== undefined ? `:${encodeURIComponent(t.password)}` : ""}@` : "";
  const uri = `mongodb://${auth}${t.host ?? "127.0.0.1"}:${t.port ?? 27017}/${t.user ? "?authSource=admin" : ""}`;
  return `uri: ${JSON.stringify(uri)}\n`; // a JSON string is a valid YAML scalar
}

export function mongodumpCommand(t: BackupTarget): ExecCommand {
  const db = t.databases?.length === 1 ? ["--db", t.databases[0]!] : [];
  return {
    kind: "exec",
    argv: [tool(t, "mongodump"), "--config=/dev/stdin", "--archive", "--gzip", ...db],
    env: {},
    secretEnv: [],
    stdin: { description: "connection URI with the password (--config=/dev/stdin)", content: mongoConfig(t) },
  };
}

export const mongodbEngine: BackupEngine = {
  kind: "mongodb",

  async describe(t): Promise<EngineDescription> {
    if (t.databases && t.databases.length > 1) throw new Error("mongodump backs up one database (--db) or all of them");
    const version = (await execText(t, { kind: "exec", argv: [tool(t, "mongodump"), "--version"], env: {}, secretEnv: [] })).split("\n")[0]?.trim() ?? null;
    return { serverVersion: null, databases: (t.databases ?? []).map((name) => ({ name, bytes: null, tables: [] })), details: { mongodump: version }, estimatedBytes: null };
  },

  plan(t): DumpPlan {
    return {
      discovery: [{ kind: "exec", argv: [tool(t, "mongodump"), "--version"], env: {}, secretEnv: [] }],
      prepare: [],
      files: [{ file: "mongodump.archive.gz", format: "mongodump-archive-gzip", compress: false, command: mongodumpCommand(t), what: "mongodump --archive --gzip", estimatedBytes: null }],
    };
  },

  async restore(t, input: RestoreInput, options: RestoreOptions = {}) {
    if (input.format !== "mongodump-archive-gzip") throw new Error(`the MongoDB engine cannot restore a ${input.format} file`);
    return withTempFile(t, mongoConfig(t), async (config) => {
      const command: ExecCommand = { kind: "exec", argv: [tool(t, "mongorestore"), `--config=${config}`, "--archive", "--gzip", ...(options.clean ? ["--drop"] : [])], env: {}, secretEnv: [] };
      const running = await runCommand(t, command, { input: input.stream });
      running.stdout.resume();
      const outcome = await expectSuccess(t, command, running.outcome);
      return { detail: outcome.stderrTail.trim().split("\n").slice(-1)[0] ?? "restored" };
    });
  },
};
