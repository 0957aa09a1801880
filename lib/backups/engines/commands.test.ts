/**
 * Command construction for every engine: argv arrays only, secrets in the exec environment or on
 * stdin (never argv), names quoted so they cannot become options, and secrets masked for display.
 */
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { MASK } from "../../docker/mask-env";
import { chIdent, chQuery, skipReason } from "./clickhouse";
import { displayCommand, scrub } from "./command";
import { mongoConfig, mongodumpCommand, mongodbEngine } from "./mongodb";
import { conninfoQuote, pgDumpCommand, postgresEngine } from "./postgres";
import { redisCli, redisEngine } from "./redis";
import type { BackupTarget, ExecCommand } from "./types";

const SECRET = "s3cr3t-Pa55word!";
const base = { stack: "posthog", docker: {} as Docker, containerId: "a".repeat(64), password: SECRET, user: "posthog" };
const pg: BackupTarget = { ...base, kind: "postgres", service: "db", port: 5432 };

function noSecretInArgv(c: ExecCommand) {
  expect(c.argv.join(" ")).not.toContain(SECRET);
  expect(JSON.stringify(displayCommand(c))).not.toContain(SECRET);
}

describe("engine commands", () => {
  it("Postgres: pg_dump -Fc per database with PGPASSWORD in the environment and a quoted conninfo", () => {
    const c = pgDumpCommand(pg, "we'ird db=x host=evil");
    expect(c.argv).toEqual(["pg_dump", "-h", "127.0.0.1", "-p", "5432", "-U", "posthog", "-w", "-Fc", "--dbname=dbname='we\\'ird db=x host=evil'"]);
    expect(c.env.PGPASSWORD).toBe(SECRET);
    noSecretInArgv(c);
    expect(displayCommand(c)).toMatchObject({ env: { PGPASSWORD: MASK } });
    expect(conninfoQuote("a\\b")).toBe("'a\\\\b'");
    const plan = postgresEngine.plan(pg, null);
    expect(plan.files.map((f) => f.file)).toEqual(["globals.sql", "{database}.pgdump"]);
    expect(plan.files[0]!.compress).toBe(true);
    expect(plan.files[1]!.compress).toBe(false); // -Fc is compressed already
  });

  it("ClickHouse: password on stdin as the client config; backtick-quoted identifiers; Kafka/Distributed never read", () => {
    const ch: BackupTarget = { ...base, kind: "clickhouse", service: "clickhouse", user: "default", port: 9000 };
    const c = chQuery(ch, `SELECT * FROM ${chIdent("posthog")}.${chIdent("we`ird")} FORMAT Native`);
    expect(c.argv).toContain("--config-file");
    expect(c.argv).toContain("/dev/stdin");
    expect(c.argv.at(-1)).toBe("SELECT * FROM `posthog`.`we\\`ird` FORMAT Native");
    expect(c.stdin?.content).toContain(`<password>${SECRET.replace(/!/g, "!")}</password>`);
    noSecretInArgv(c);
    expect(skipReason("MergeTree")).toBeNull();
    expect(skipReason("ReplicatedReplacingMergeTree")).toBeNull();
    expect(skipReason("Kafka")).toMatch(/consume/);
    expect(skipReason("Distributed")).toMatch(/sharded/);
    expect(skipReason("MaterializedView")).toMatch(/no data/);
  });

  it("Redis: REDISCLI_AUTH, BGSAVE then LASTSAVE polling, RDB copied with cat", () => {
    const r: BackupTarget = { ...base, kind: "redis", service: "redis", user: undefined, port: 6380 };
    const c = redisCli(r, "DBSIZE");
    expect(c.argv).toEqual(["redis-cli", "-h", "127.0.0.1", "-p", "6380", "--no-auth-warning", "DBSIZE"]);
    expect(c.env.REDISCLI_AUTH).toBe(SECRET);
    noSecretInArgv(c);
    const plan = redisEngine.plan(r, { serverVersion: "7", databases: [], details: { rdbDir: "/data", rdbFile: "dump.rdb" }, estimatedBytes: null });
    expect(plan.prepare.map((p) => (p.kind === "exec" ? p.argv.slice(6).join(" ") : ""))).toEqual(["LASTSAVE", "BGSAVE SCHEDULE", "LASTSAVE"]);
    expect(plan.files[0]!.command).toMatchObject({ argv: ["cat", "/data/dump.rdb"] });
  });

  it("MongoDB: mongodump --archive --gzip with the URI on stdin (no Mongo server can run here; see engines.int.test.ts for the streaming test)", () => {
    const m: BackupTarget = { ...base, kind: "mongodb", service: "mongo", port: 27017 };
    const c = mongodumpCommand(m);
    expect(c.argv).toEqual(["mongodump", "--config=/dev/stdin", "--archive", "--gzip"]);
    expect(mongoConfig(m)).toBe(`uri: "mongodb://posthog:${encodeURIComponent(SECRET)}@127.0.0.1:27017/?authSource=admin"\n`);
    noSecretInArgv(c);
    expect(mongodbEngine.plan(m, null).files[0]).toMatchObject({ file: "mongodump.archive.gz", compress: false });
  });

  it("scrubs the target's password out of any error text", () => {
    expect(scrub(`FATAL: password ${SECRET} rejected; url postgres://u:${SECRET}@h/db`, pg)).not.toContain(SECRET);
  });
});

describe("displayed commands", () => {
  it("mask the value after a secret flag, not after flags that merely mention auth", async () => {
    const { maskArgv } = await import("./command");
    expect(maskArgv(["redis-cli", "--no-auth-warning", "DBSIZE"])).toEqual(["redis-cli", "--no-auth-warning", "DBSIZE"]);
    expect(maskArgv(["redis-cli", "-a", "pw", "PING"])).toEqual(["redis-cli", "-a", MASK, "PING"]);
    expect(maskArgv(["psql", "-A", "-t", "-c", "select 1"])).toEqual(["psql", "-A", "-t", "-c", "select 1"]); // -A is unaligned output, not a secret
    expect(maskArgv(["x", "--password", "pw", "--password=pw", "postgres://u:pw@h/db"])).toEqual(["x", "--password", MASK, `--password=${MASK}`, `postgres://u:${MASK}@h/db`]);
  });

  it("a dry run without discovery touches no container (the Docker client would throw)", async () => {
    const { dryRunBackup } = await import("../dry-run");
    const docker = new Proxy({}, { get: () => { throw new Error("the dry run used Docker"); } }) as Docker;
    const dry = await dryRunBackup({ target: { ...pg, docker }, name: "pre-upgrade-1", root: "/srv/backups" });
    expect(dry.finalPath).toMatch(/^\/srv\/backups\/posthog\/db\/\d{8}T\d{9}Z-pre-upgrade-1$/);
    expect(dry.discovered).toBe(false);
    expect(dry.discovery).toHaveLength(2);
    expect(JSON.stringify(dry)).not.toContain(SECRET);
  });
});
