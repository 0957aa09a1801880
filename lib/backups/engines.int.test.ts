/**
 * Backups of the PostHog-like fixture's real servers (Postgres 15, ClickHouse 18.16, Redis 7, a
 * volume) → manifest checks → each dump restored into a scratch container of the same server, which
 * proves it is a real backup. Also: dry run = the commands actually run; one backup per service at a
 * time; verify (pg_restore --list) and a flipped byte named by verify; an age-encrypted backup that
 * Debian's `age` CLI decrypts, a wrong key and a truncated file failing loudly.
 *
 * MongoDB: no Mongo server can run on these machines, so its test runs `mongodump` as a stand-in
 * script in a busybox container: it checks the command line and the streaming of the archive, the
 * password reaching it on stdin (not argv), not a real dump.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateX25519Identity } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useMigratedTestDatabase } from "@/test/test-database";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { PG_BIN } from "../../e2e/fixtures/posthog/scripts";
import { isAppError } from "../errors/app-error";
import { claimBackupRun, finishRun, getRun } from "./backup-runs";
import { dryRunBackup } from "./dry-run";
import { clickhouseRestoreRank, chQuery } from "./engines/clickhouse";
import { execText } from "./engines/command";
import { engineFor } from "./engines";
import { redisCli } from "./engines/redis";
import type { BackupTarget } from "./engines/types";
import { listBackupsOnDisk } from "./list-backups";
import type { Manifest } from "./manifest";
import { openBackupPlaintext } from "./read-backup-file";
import { runBackup, type BackupOutcome } from "./run-backup";
import { psqlIn, startScratchClickhouse, startScratchPostgres, startScratchRedis, startScratchVolume, type ScratchServer } from "./testing/scratch-servers";
import { verifyBackup } from "./verify-backup";

const run = promisify(execFile);
let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let root: string;
const scratch: Partial<Record<"pg" | "redis" | "ch" | "vol", ScratchServer>> = {};
const user = { kind: "user" as const, userId: null, email: "operator@example.com" };

function targets() {
  const c = fixture.credentials;
  return {
    pg: { kind: "postgres", stack: fixture.project, service: "db", docker: fixture.docker, containerId: fixture.containers.db.id, user: c.postgres.user, password: c.postgres.password, port: fixture.ports.postgres, binDir: PG_BIN } satisfies BackupTarget,
    ch: { kind: "clickhouse", stack: fixture.project, service: "clickhouse", docker: fixture.docker, containerId: fixture.containers.clickhouse.id, user: c.clickhouse.user, password: c.clickhouse.password, port: fixture.ports.clickhouseTcp, databases: ["posthog"] } satisfies BackupTarget,
    redis: { kind: "redis", stack: fixture.project, service: "redis", docker: fixture.docker, containerId: fixture.containers.redis.id, password: c.redis.password, port: fixture.ports.redis } satisfies BackupTarget,
    vol: { kind: "volume", stack: fixture.project, service: "uploads", docker: fixture.docker, containerId: fixture.containers.web.id, path: "/state" } satisfies BackupTarget,
  };
}

async function sha256(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

function succeeded(outcome: BackupOutcome): Extract<BackupOutcome, { status: "succeeded" }> {
  if (outcome.status !== "succeeded") throw new Error(`backup failed: ${outcome.error}\n${outcome.stderrTail ?? ""}`);
  return outcome;
}

async function restoreAll(target: BackupTarget, backupId: string, manifest: Manifest, filter: (f: Manifest["files"][number]) => boolean = () => true) {
  const engine = engineFor(target.kind);
  const files = manifest.files.filter(filter).sort((a, b) => clickhouseRestoreRank(a) - clickhouseRestoreRank(b));
  for (const f of files) {
    const stream = await openBackupPlaintext(backupId, f, { root });
    await engine.restore(target, { file: f.path, format: f.format, database: f.database, table: f.table, tableEngine: f.tableEngine, stream });
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "opsdeck-backups-"));
  process.env.BACKUP_DIR = root;
  delete process.env.BACKUP_AGE_IDENTITY;
  [fixture, db] = await Promise.all([getSharedPosthogFixture(), useMigratedTestDatabase("backups")]);
  const [pg, redis, ch, vol] = await Promise.all([
    startScratchPostgres(fixture.docker),
    startScratchRedis(fixture.docker),
    startScratchClickhouse(fixture.docker),
    startScratchVolume(fixture.docker, "/state"),
  ]);
  Object.assign(scratch, { pg, redis, ch, vol });
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(scratch).map((s) => s?.teardown().catch(() => undefined)));
  await db?.cleanup();
  await fixture?.release();
  await rm(root, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
  delete process.env.BACKUP_AGE_IDENTITY;
});

describe("Postgres", () => {
  let outcome: Extract<BackupOutcome, { status: "succeeded" }>;

  it("backs up every database with pg_dump -Fc plus globals, and the manifest says what is in it", async () => {
    const t = targets().pg;
    await fixture.exclusive("db", async () => {
      await psqlIn(t, "posthog", "drop table if exists backup_probe; create table backup_probe as select g as id, md5(g::text) as payload from generate_series(1, 5000) g; analyze backup_probe;");
      outcome = succeeded(await runBackup({ target: t, requestedBy: user, root }));
    });
    const m = outcome.manifest;
    expect(m).toMatchObject({ formatVersion: 1, engine: "postgres", service: "db", stack: fixture.project, name: null, encryption: null, requestedBy: user });
    expect(m.serverVersion).toMatch(/^15\./);
    expect(m.container.id).toBe(fixture.containers.db.id);
    expect(m.container.image).toBe("opsdeck/fixture-base:1");
    expect(m.files.map((f) => f.path).sort()).toEqual(["globals.sql.zst", "posthog.pgdump", "postgres.pgdump"].sort());
    expect(m.files.find((f) => f.path === "posthog.pgdump")).toMatchObject({ compression: "none", format: "postgres-custom", database: "posthog", rows: 5000 });
    expect(m.files.find((f) => f.path === "globals.sql.zst")).toMatchObject({ compression: "zstd" });
    for (const f of m.files) expect(await sha256(path.join(outcome.dir, f.path))).toBe(f.sha256);
    expect(m.databases.find((d) => d.name === "posthog")?.tables).toContainEqual(expect.objectContaining({ schema: "public", name: "backup_probe", rows: 5000 }));
    expect(JSON.stringify(m)).not.toContain(t.password);
    const row = await getRun(m.runId);
    expect(row).toMatchObject({ status: "succeeded", percent: 100, step: "done", totalBytes: m.totals.bytes });
    expect(row!.bytesDone).toBe(m.totals.sourceBytes);
    expect((await listBackupsOnDisk({ root })).map((b) => b.id)).toContain(outcome.backupId);
  });

  it("a dry run with discovery lists exactly the commands the backup ran, with secrets masked", async () => {
    const t = targets().pg;
    const dry = await fixture.exclusive("db", () => dryRunBackup({ target: t, discover: true, root }));
    expect(dry.files.map((f) => f.command)).toEqual(outcome.manifest.files.map((f) => f.command));
    expect(dry.files.map((f) => f.file)).toEqual(outcome.manifest.files.map((f) => f.path));
    expect(dry.finalPath.startsWith(path.join(root, fixture.project, "db"))).toBe(true);
    expect(dry.partialPath).toBe(`${dry.finalPath}.partial`);
    expect(JSON.stringify(dry)).not.toContain(t.password);
    expect(JSON.stringify(dry)).toContain('"PGPASSWORD":"••••••"');
  });

  it("restores into a scratch Postgres: the rows are there", async () => {
    const m = outcome.manifest;
    await restoreAll(scratch.pg!.target, outcome.backupId, m, (f) => f.database === "posthog");
    expect((await psqlIn(scratch.pg!.target, "posthog", "select count(*), sum(id) from backup_probe")).trim()).toBe("5000|12502500");
    // The globals hold the roles (restoring them also sets the source's role passwords, so it is not done here).
    const globals = await openBackupPlaintext(outcome.backupId, m.files.find((f) => f.format === "postgres-globals-sql")!, { root });
    let text = "";
    for await (const chunk of globals) text += String(chunk);
    expect(text).toMatch(/CREATE ROLE posthog;/);
  });

  it("verify: pg_restore --list reads every dump; a flipped byte is found and the file named", async () => {
    // pg_restore --list runs in the shared db container: hold it so no other file stops it meanwhile.
    const ok = await fixture.exclusive("db", () => verifyBackup({ backupId: outcome.backupId, root, target: targets().pg }));
    expect(ok.ok).toBe(true);
    expect(ok.files.find((f) => f.path === "posthog.pgdump")?.check).toMatch(/pg_restore --list read \d+ table-of-contents entries/);
    const file = path.join(outcome.dir, "posthog.pgdump");
    const fh = await open(file, "r+");
    const size = (await fh.stat()).size;
    const byte = Buffer.alloc(1);
    await fh.read(byte, 0, 1, Math.floor(size / 2));
    byte[0]! ^= 0xff;
    await fh.write(byte, 0, 1, Math.floor(size / 2));
    await fh.close();
    const bad = await fixture.exclusive("db", () => verifyBackup({ backupId: outcome.backupId, root, target: targets().pg }));
    expect(bad.ok).toBe(false);
    expect(bad.summary).toMatch(/posthog\.pgdump: sha256 does not match the manifest/);
    expect(bad.files.filter((f) => !f.ok).map((f) => f.path)).toEqual(["posthog.pgdump"]);
  });

  it("one backup per service at a time: a second request is refused with a clear message", async () => {
    const t = targets().pg;
    const held = await claimBackupRun({ stack: t.stack, service: t.service, engine: "postgres", name: null, backupId: `${t.stack}/db/20200101T000000000Z`, requestedBy: { kind: "user", userId: null, email: "alice@example.com" }, encrypted: false, keyId: null, status: "running" });
    try {
      const error = await runBackup({ target: t, requestedBy: user, root }).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("CONFLICT");
      expect((error as Error).message).toMatch(/A backup of db is already running \(started .* by alice@example\.com\)/);
    } finally {
      await finishRun(held.id, { status: "failed", error: "test", stderrTail: null });
    }
  });

  it("encrypted with age: files end in .age, the age CLI decrypts them, a wrong key and a truncated file fail loudly", async () => {
    const t = targets().pg;
    const identity = await generateX25519Identity();
    process.env.BACKUP_AGE_IDENTITY = identity;
    // Backup and verifies (pg_restore --list) run in the shared db container: hold it throughout.
    await fixture.exclusive("db", async () => {
      try {
        const enc = succeeded(await runBackup({ target: t, requestedBy: user, root, name: "pre-upgrade-1.43.0" }));
        expect(enc.backupId).toMatch(/-pre-upgrade-1\.43\.0$/);
        expect(enc.manifest.encryption).toMatchObject({ format: "age", keyId: expect.stringMatching(/^age:[0-9a-f]{16}$/) });
        expect(enc.manifest.files.map((f) => f.path).sort()).toEqual(["globals.sql.zst.age", "postgres.pgdump.age", "posthog.pgdump.age"]);
        const keyFile = path.join(root, "key.txt");
        await writeFile(keyFile, `${identity}\n`, { mode: 0o600 });
        const plain = path.join(root, "posthog.pgdump");
        await run("age", ["-d", "-i", keyFile, "-o", plain, path.join(enc.dir, "posthog.pgdump.age")]);
        const { stdout } = await run(`${PG_BIN}/pg_restore`, ["--list", plain]);
        expect(stdout).toMatch(/TABLE DATA public backup_probe/);
        expect((await verifyBackup({ backupId: enc.backupId, root, target: t })).ok).toBe(true);

        process.env.BACKUP_AGE_IDENTITY = await generateX25519Identity();
        const wrong = await verifyBackup({ backupId: enc.backupId, root, target: t });
        expect(wrong.ok).toBe(false);
        expect(wrong.summary).toMatch(/wrong key/);
        process.env.BACKUP_AGE_IDENTITY = identity;
        const restoreWithWrongKey = openBackupPlaintext(enc.backupId, enc.manifest.files.find((f) => f.path === "posthog.pgdump.age")!, { root, identities: [await generateX25519Identity()] }).then(
          (stream) => engineFor("postgres").restore(scratch.pg!.target, { file: "x", format: "postgres-custom", database: "posthog", stream }),
        );
        await expect(restoreWithWrongKey).rejects.toThrow(/wrong key/);

        const victim = path.join(enc.dir, "posthog.pgdump.age");
        await truncate(victim, (await stat(victim)).size - 1000);
        const cut = await verifyBackup({ backupId: enc.backupId, root, target: t });
        expect(cut.ok).toBe(false);
        expect(cut.files.find((f) => f.path === "posthog.pgdump.age")?.problem).toMatch(/posthog\.pgdump\.age: sha256 does not match/);
        const plainCut = await openBackupPlaintext(enc.backupId, enc.manifest.files.find((f) => f.path === "posthog.pgdump.age")!, { root });
        await expect((async () => {
          for await (const _ of plainCut) void _;
        })()).rejects.toThrow(/truncated/);
      } finally {
        delete process.env.BACKUP_AGE_IDENTITY;
      }
    });
  });
});

describe("ClickHouse", () => {
  it("dumps DDL of every table and Native data of MergeTree tables only, and restores into a scratch ClickHouse", () =>
    // Holds the shared clickhouse container: no other file may stop it meanwhile.
    fixture.exclusive("clickhouse", async () => {
      const t = targets().ch;
      const count = async (target: BackupTarget, table: string) => Number((await execText(target, chQuery(target, `SELECT count() FROM posthog.${table}`))).trim());
      const rows = await count(t, "sharded_events");
      expect(rows).toBeGreaterThan(0);
      const outcome = succeeded(await runBackup({ target: t, requestedBy: user, root }));
      const m = outcome.manifest;
      expect(m.serverVersion).toMatch(/^18\.16/);
      expect(m.files.map((f) => f.path).sort()).toEqual(["posthog/events.sql.zst", "posthog/sharded_events.native.zst", "posthog/sharded_events.sql.zst"]);
      const tables = m.databases.find((d) => d.name === "posthog")!.tables;
      expect(tables.find((x) => x.name === "events")).toMatchObject({ engine: "Distributed", dataDumped: false, reason: expect.stringMatching(/sharded/) });
      expect(tables.find((x) => x.name === "sharded_events")).toMatchObject({ engine: "MergeTree", dataDumped: true, rows });
      expect(m.files.find((f) => f.path.endsWith(".native.zst"))).toMatchObject({ rows, compression: "zstd", format: "clickhouse-native" });
      expect(JSON.stringify(m)).not.toContain(t.password);

      const target = { ...scratch.ch!.target, databases: ["posthog"] };
      await execText(target, chQuery(target, "DROP TABLE IF EXISTS posthog.events"));
      await execText(target, chQuery(target, "DROP TABLE IF EXISTS posthog.sharded_events"));
      await restoreAll(target, outcome.backupId, m);
      expect(await count(target, "sharded_events")).toBe(rows);
      expect(await count(target, "events")).toBe(rows); // the Distributed table reads the restored local one
      const sum = async (x: BackupTarget) => (await execText(x, chQuery(x, "SELECT sum(cityHash64(toString(uuid), event, distinct_id)) FROM posthog.sharded_events"))).trim();
      expect(await sum(target)).toBe(await sum(t));
    }));
});

describe("Redis", () => {
  it("BGSAVE, waits for LASTSAVE, copies the RDB out; it loads into a scratch Redis", () =>
    // Holds the shared redis container: no other file may stop it meanwhile.
    fixture.exclusive("redis", async () => {
      const t = targets().redis;
      const marker = `backup-probe-${randomBytes(4).toString("hex")}`;
      await execText(t, redisCli(t, "SET", marker, "42"));
      await execText(t, redisCli(t, "HSET", `${marker}:h`, "a", "1", "b", "2"));
      const outcome = succeeded(await runBackup({ target: t, requestedBy: user, root }));
      const m = outcome.manifest;
      expect(m.serverVersion).toMatch(/^7\./);
      expect(m.files).toEqual([expect.objectContaining({ path: "dump.rdb", compression: "none", format: "redis-rdb" })]);
      expect(m.details).toMatchObject({ rdbDir: "/data", rdbFile: "dump.rdb", dbsize: expect.any(Number), prepare: { lastSave: expect.any(Number) } });
      expect((m.details as { dbsize: number }).dbsize).toBeGreaterThanOrEqual(2);
      expect((await readFile(path.join(outcome.dir, "dump.rdb"))).subarray(0, 5).toString()).toBe("REDIS");
      const s = scratch.redis!.target;
      await restoreAll(s, outcome.backupId, m);
      expect((await execText(s, redisCli(s, "GET", marker))).trim()).toBe("42");
      expect((await execText(s, redisCli(s, "HGET", `${marker}:h`, "b"))).trim()).toBe("2");
    }));
});

describe("volume", () => {
  it("archives a path through the Engine API and restores it into another container", () =>
    // Holds the shared web container: no other file may stop it meanwhile.
    fixture.exclusive("web", async () => {
      const t = targets().vol;
      const content = randomBytes(60_000).toString("base64"); // one argv string stays under 128 KiB
      const wrote = await fixture.exec("web", ["/bin/sh", "-c", `mkdir -p /state/uploads && printf '%s' "$1" > /state/uploads/probe.txt`, "sh", content]);
      expect(wrote.exitCode).toBe(0);
      const outcome = succeeded(await runBackup({ target: t, requestedBy: user, root }));
      expect(outcome.manifest.files).toEqual([expect.objectContaining({ path: "volume.tar.zst", format: "tar", compression: "zstd" })]);
      expect(outcome.manifest.files[0]!.bytes).toBeLessThan(outcome.manifest.files[0]!.sourceBytes);
      const s = scratch.vol!.target;
      await restoreAll(s, outcome.backupId, outcome.manifest);
      const back = await execText(s, { kind: "exec", argv: ["cat", "/state/uploads/probe.txt"], env: {}, secretEnv: [] });
      expect(back).toBe(content);
      await fixture.exec("web", ["rm", "-rf", "/state/uploads"]);
    }));
});

describe("MongoDB (stand-in binary: no Mongo server can run here)", () => {
  let stack: FixtureStack;
  let bin: string;
  beforeAll(async () => {
    bin = await mkdtemp(path.join(tmpdir(), "opsdeck-mongo-standin-"));
    // Records its argv and stdin (the YAML config), then streams a gzip "archive" of 3 MB.
    await writeFile(
      path.join(bin, "mongodump"),
      `#!/bin/sh
if [ "$1" = "--version" ]; then echo "mongodump version: 100.9.4 (stand-in)"; exit 0; fi
cat > /tmp/mongodump.config
echo "$@" > /tmp/mongodump.argv
head -c 3000000 /dev/zero | gzip -c
`,
    );
    await chmod(path.join(bin, "mongodump"), 0o755);
    stack = await startFixtureStack(fixture.docker, { services: [{ service: "mongo", cmd: ["/bin/sleep", "3600"], binds: [`${bin}:/opt/mongo/bin:ro`], networkMode: "none" }] });
  });
  afterAll(async () => {
    await stack?.teardown();
    await rm(bin, { recursive: true, force: true });
  });

  it("streams mongodump --archive --gzip; the URI with the password goes on stdin, never argv", async () => {
    const t: BackupTarget = { kind: "mongodb", stack: stack.project, service: "mongo", docker: fixture.docker, containerId: stack.get("mongo").id, user: "root", password: "mongo-Secret-1", binDir: "/opt/mongo/bin" };
    const outcome = succeeded(await runBackup({ target: t, requestedBy: user, root }));
    expect(outcome.manifest.files).toEqual([expect.objectContaining({ path: "mongodump.archive.gz", compression: "none", format: "mongodump-archive-gzip" })]);
    expect(outcome.manifest.details).toMatchObject({ mongodump: "mongodump version: 100.9.4 (stand-in)" });
    const archive = await readFile(path.join(outcome.dir, "mongodump.archive.gz"));
    expect(archive.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const cat = (p: string) => execText(t, { kind: "exec", argv: ["cat", p], env: {}, secretEnv: [] });
    expect((await cat("/tmp/mongodump.argv")).trim()).toBe("--config=/dev/stdin --archive --gzip");
    expect(await cat("/tmp/mongodump.config")).toBe('uri: "mongodb://root:mongo-Secret-1@127.0.0.1:27017/?authSource=admin"\n');
  });
});
