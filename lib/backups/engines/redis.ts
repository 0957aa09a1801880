/**
 * Redis: `BGSAVE`, then wait (bounded) until `LASTSAVE` changes and the save reports ok, then copy
 * the RDB file out of the container (`cat <dir>/<dbfilename>`, both read with CONFIG GET). The RDB
 * format compresses its values already, so it is stored as it comes. DBSIZE and the keyspace line
 * of every database go into the manifest. The password is REDISCLI_AUTH in the exec environment.
 *
 * Restore writes the RDB next to the live one, moves it into place, stops the server without saving
 * (SHUTDOWN NOSAVE) and starts the container again, so the server loads it at start. It refuses when
 * the server uses an append-only file (that file, not the RDB, would be loaded).
 */
import path from "node:path";
import { execText, expectSuccess, runCommand, tool } from "./command";
import type { BackupEngine, BackupTarget, DumpPlan, EngineDescription, ExecCommand, Progress, RestoreInput } from "./types";

export const REDIS_SAVE_TIMEOUT_MS = 10 * 60_000;

export function redisCli(t: BackupTarget, ...args: string[]): ExecCommand {
  const env: Record<string, string> = {};
  if (t.password !== undefined) env.REDISCLI_AUTH = t.password;
  const argv = [tool(t, "redis-cli"), "-h", t.host ?? "127.0.0.1", "-p", String(t.port ?? 6379), "--no-auth-warning"];
  if (t.user) argv.push("--user", t.user);
  return { kind: "exec", argv: [...argv, ...args], env, secretEnv: ["REDISCLI_AUTH"] };
}

/** `key:value` lines of INFO. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

async function cli(t: BackupTarget, ...args: string[]): Promise<string> {
  const out = await execText(t, redisCli(t, ...args));
  // redis-cli exits 0 on server errors and prints "ERR …" / "(error) …".
  if (/^(\(error\) )?(ERR|NOAUTH|WRONGPASS|NOPERM|MISCONF)\b/.test(out.trim())) throw new Error(`redis-cli ${args[0]}: ${out.trim().slice(0, 300)}`);
  return out;
}

async function configGet(t: BackupTarget, key: string): Promise<string | null> {
  const lines = (await cli(t, "CONFIG", "GET", key)).split(/\r?\n/);
  return lines[0] === key ? (lines[1] ?? null) : null;
}

function rdbPath(description: EngineDescription | null): string {
  const d = description?.details as { rdbDir?: string; rdbFile?: string } | undefined;
  if (!d?.rdbDir || !d.rdbFile) return "{dir}/{dbfilename}";
  return path.posix.join(d.rdbDir, d.rdbFile);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const redisEngine: BackupEngine = {
  kind: "redis",

  async describe(t): Promise<EngineDescription> {
    const info = parseInfo(await cli(t, "INFO"));
    const dir = (await configGet(t, "dir")) ?? "/data";
    const file = (await configGet(t, "dbfilename")) ?? "dump.rdb";
    if (!path.posix.isAbsolute(dir) || file.includes("/") || file.includes("\0")) throw new Error("Redis reported an unexpected RDB location");
    const dbsize = Number((await cli(t, "DBSIZE")).trim());
    const keyspace = Object.fromEntries(Object.entries(info).filter(([k]) => /^db\d+$/.test(k)));
    const keys = Object.values(keyspace).reduce((sum, v) => sum + Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), 0);
    return {
      serverVersion: info.redis_version ?? null,
      databases: Object.entries(keyspace).map(([name, v]) => ({ name, bytes: null, tables: [{ name: "keys", rows: Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), bytes: null, dataDumped: true }] })),
      details: { rdbDir: dir, rdbFile: file, dbsize, keys, keyspace, aofEnabled: info.aof_enabled === "1", usedMemory: Number(info.used_memory ?? 0) || null },
      estimatedBytes: Number(info.used_memory ?? 0) || null,
    };
  },

  plan(t, description): DumpPlan {
    return {
      discovery: [redisCli(t, "INFO"), redisCli(t, "CONFIG", "GET", "dir"), redisCli(t, "CONFIG", "GET", "dbfilename"), redisCli(t, "DBSIZE")],
      prepare: [
        redisCli(t, "LASTSAVE"),
        redisCli(t, "BGSAVE", "SCHEDULE"),
        { ...redisCli(t, "LASTSAVE"), note: `repeated every 0.5 s until it changes (at most ${REDIS_SAVE_TIMEOUT_MS / 60_000} min), then INFO persistence must report rdb_last_bgsave_status:ok` },
      ],
      files: [
        {
          file: "dump.rdb",
          format: "redis-rdb",
          compress: false,
          command: { kind: "exec", argv: ["cat", rdbPath(description)], env: {}, secretEnv: [] },
          what: "the RDB snapshot written by BGSAVE",
          estimatedBytes: description?.estimatedBytes ?? null,
          rows: (description?.details as { keys?: number } | undefined)?.keys ?? null,
        },
      ],
      ...(description ? {} : { placeholders: "{dir}/{dbfilename}: the RDB location from CONFIG GET dir / dbfilename" }),
    };
  },

  async prepare(t, _plan, progress: Progress, signal?: AbortSignal) {
    const before = Number((await cli(t, "LASTSAVE")).trim());
    // LASTSAVE has one-second resolution: make sure our save cannot finish within the second of the last one.
    while (Math.floor(Date.now() / 1000) <= before) await sleep(200);
    progress({ step: "BGSAVE" });
    const reply = (await cli(t, "BGSAVE", "SCHEDULE")).trim();
    const started = Date.now();
    for (;;) {
      if (signal?.aborted) throw new Error("aborted");
      const now = Number((await cli(t, "LASTSAVE")).trim());
      if (now > before) {
        const persistence = parseInfo(await cli(t, "INFO", "persistence"));
        if (persistence.rdb_bgsave_in_progress === "0") {
          if (persistence.rdb_last_bgsave_status !== "ok") throw new Error(`BGSAVE failed (rdb_last_bgsave_status:${persistence.rdb_last_bgsave_status}); see the Redis log`);
          return { bgsave: reply, lastSaveBefore: before, lastSave: now, waitedMs: Date.now() - started };
        }
      }
      if (Date.now() - started > REDIS_SAVE_TIMEOUT_MS) throw new Error(`BGSAVE did not finish within ${REDIS_SAVE_TIMEOUT_MS / 60_000} minutes (LASTSAVE did not change)`);
      progress({ step: `waiting for BGSAVE (${Math.round((Date.now() - started) / 1000)} s)` });
      await sleep(500);
    }
  },

  async restore(t, input: RestoreInput) {
    if (input.format !== "redis-rdb") throw new Error(`the Redis engine cannot restore a ${input.format} file`);
    if ((await configGet(t, "appendonly")) === "yes") throw new Error("this Redis uses an append-only file, which it would load instead of the RDB: turn appendonly off before restoring an RDB");
    const dir = (await configGet(t, "dir")) ?? "/data";
    const file = (await configGet(t, "dbfilename")) ?? "dump.rdb";
    const target = path.posix.join(dir, file);
    const staged = `${target}.opsdeck-restore`;
    const write: ExecCommand = { kind: "exec", argv: ["dd", `of=${staged}`, "bs=1048576"], env: {}, secretEnv: [] };
    const running = await runCommand(t, write, { input: input.stream });
    running.stdout.resume();
    await expectSuccess(t, write, running.outcome);
    await cli(t, "CONFIG", "SET", "save", ""); // no snapshot may replace the file between the move and the stop
    await execText(t, { kind: "exec", argv: ["mv", "-f", staged, target], env: {}, secretEnv: [] });
    await execText(t, redisCli(t, "SHUTDOWN", "NOSAVE")).catch(() => undefined); // the connection drops as it stops
    const container = t.docker.getContainer(t.containerId);
    for (let i = 0; i < 100 && (await container.inspect()).State.Running; i++) await sleep(100);
    if (!(await container.inspect()).State.Running) await container.start().catch(() => undefined);
    for (let i = 0; ; i++) {
      const pong = await execText(t, redisCli(t, "PING")).catch(() => "");
      if (pong.trim() === "PONG") break;
      if (i > 120) throw new Error("Redis did not answer PING within 60 s after the restore");
      await sleep(500);
    }
    return { detail: `loaded ${target}; DBSIZE ${(await cli(t, "DBSIZE")).trim()}` };
  },
};
