/**
 * Guided restores of ClickHouse and Redis into scratch servers (never the shared fixture's):
 * known data → backup → change → a non-empty target without drop-and-replace is refused with the
 * data untouched → restore with drop-and-replace → the known data is back exactly → the rollback
 * (from the restore's safety backup) brings back the changed data, which proves the safety backup
 * holds it; the target killed during the restore step → the failed step is reported and the
 * rollback brings the pre-restore data back; a corrupted backup is refused in preflight.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useMigratedTestDatabase } from "@/test/test-database";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { chQuery } from "../backups/engines/clickhouse";
import { execText } from "../backups/engines/command";
import { redisCli } from "../backups/engines/redis";
import type { BackupTarget } from "../backups/engines/types";
import { resolveBackupDir } from "../backups/backup-paths";
import { readManifest } from "../backups/manifest";
import { runBackup } from "../backups/run-backup";
import { startScratchClickhouse, startScratchRedis, type ScratchServer } from "../backups/testing/scratch-servers";
import { isAppError } from "../errors/app-error";
import { runRestore, startRestore } from "./execute-restore";
import { runPreflight } from "./preflight";
import { startRollback } from "./rollback-restore";
import { getRestoreRun } from "./restore-runs";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let root: string;
let ch: ScratchServer;
let redis: ScratchServer;
const admin = { userId: null, email: "admin@example.com" };

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "opsdeck-restore-chr-"));
  process.env.BACKUP_DIR = root;
  delete process.env.BACKUP_AGE_IDENTITY;
  fixture = await getSharedPosthogFixture();
  [db, ch, redis] = await Promise.all([useMigratedTestDatabase("restorechr"), startScratchClickhouse(fixture.docker), startScratchRedis(fixture.docker)]);
}, 300_000);

afterAll(async () => {
  await Promise.all([ch?.teardown().catch(() => undefined), redis?.teardown().catch(() => undefined)]);
  await db?.cleanup();
  await fixture?.release();
  await rm(root, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
});

async function backupOf(target: BackupTarget): Promise<string> {
  const outcome = await runBackup({ target, requestedBy: { kind: "user", ...admin }, root });
  if (outcome.status !== "succeeded") throw new Error(`backup failed: ${outcome.error}`);
  return outcome.backupId;
}

async function roundTrip(target: BackupTarget, fingerprint: () => Promise<string>, seed: () => Promise<void>, change: () => Promise<void>) {
  await seed();
  const known = await fingerprint();
  const backupId = await backupOf(target);
  await change();
  const changed = await fingerprint();
  expect(changed).not.toBe(known);

  const refused = await startRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId, root, choices: { dropAndReplace: false }, requestedBy: admin }).catch((e: unknown) => e);
  expect(isAppError(refused) && refused.code).toBe("CONFLICT");
  expect((refused as Error).message).toMatch(/Refused before any change: Target empty: the target is not empty/);
  expect(await fingerprint()).toBe(changed);

  const outcome = await runRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId, root, choices: { dropAndReplace: true }, reason: "test", requestedBy: admin });
  expect(outcome, outcome.error ?? "").toMatchObject({ status: "succeeded", verification: { ok: true } });
  expect(await fingerprint()).toBe(known);
  const run = (await getRestoreRun(outcome.runId))!;
  expect(run.steps.every((s) => s.status === "succeeded")).toBe(true);
  expect(JSON.stringify(run)).not.toContain(target.password!);

  // Undo from the safety backup: the changed data comes back, so the safety backup held it.
  const rollback = await startRollback({ runId: outcome.runId, restoreTarget: { target, dependents: [] }, root, dropAndReplace: true, requestedBy: admin, reason: "undo" });
  expect(await rollback.done).toMatchObject({ status: "succeeded" });
  expect(await fingerprint()).toBe(changed);

  // Failure injection: the target container is killed as the restore step starts → the step is
  // reported failed → the rollback (which starts the container again) brings back the pre-restore data.
  const failed = await runRestore({
    kind: "restore",
    restoreTarget: { target, dependents: [] },
    backupId,
    root,
    choices: { dropAndReplace: true },
    requestedBy: admin,
    onStep: async (key) => {
      if (key === "restore") await fixture.docker.getContainer(target.containerId).kill();
    },
  });
  expect(failed).toMatchObject({ status: "failed", failedStep: "restore", rollbackOffered: true });
  const undo = await startRollback({ runId: failed.runId, restoreTarget: { target, dependents: [] }, root, dropAndReplace: true, requestedBy: admin, reason: "failed restore" });
  expect(await undo.done).toMatchObject({ status: "succeeded" });
  expect(await fingerprint()).toBe(changed);

  // A corrupted backup is refused in preflight.
  const manifest = (await readManifest(await resolveBackupDir(backupId, root))).files[0]!;
  const file = path.join(await resolveBackupDir(backupId, root), manifest.path);
  const bytes = await readFile(file);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  await writeFile(file, bytes);
  const corrupted = await runPreflight({ backupId, root, restoreTarget: { target, dependents: [] }, choices: { dropAndReplace: true } });
  expect(corrupted.checks.find((c) => c.key === "checksums")).toMatchObject({ result: "fail", detail: expect.stringMatching(/sha256 does not match the manifest/) });
  return { run, outcome };
}

describe("ClickHouse restore", () => {
  it("DDL + Native data: the known data is back exactly; the safety backup holds the changed data", async () => {
    const target: BackupTarget = { ...ch.target, databases: ["posthog"] };
    const q = (sql: string) => execText(target, chQuery(target, sql));
    const fingerprint = async () => (await q("SELECT count(), sum(id), groupBitXor(cityHash64(payload)) FROM posthog.known FORMAT TSV")).trim();
    const { run } = await roundTrip(
      target,
      fingerprint,
      async () => {
        await q("CREATE DATABASE IF NOT EXISTS posthog");
        await q("CREATE TABLE posthog.known (id UInt32, payload String) ENGINE = MergeTree() ORDER BY id");
        await q("INSERT INTO posthog.known SELECT number, toString(cityHash64(number)) FROM system.numbers LIMIT 3000");
      },
      async () => {
        await q("INSERT INTO posthog.known SELECT number + 100000, 'changed' FROM system.numbers LIMIT 700");
      },
    );
    expect(run.plan!.steps.find((s) => s.key === "prepare")!.commands.map((c) => (c.kind === "exec" ? c.argv.at(-1) : ""))).toEqual(["DROP TABLE IF EXISTS `posthog`.`known`"]);
    expect(run.report!.verification).toMatchObject({ ok: true, checks: [{ what: "posthog.known rows", expected: 3000, actual: 3000, result: "ok" }] });
  }, 600_000);
});

describe("Redis restore", () => {
  it("replaces the RDB and restarts: the known keys are back exactly; the safety backup holds the changed data", async () => {
    const target = redis.target;
    const cli = (...args: string[]) => execText(target, redisCli(target, ...args)).then((s) => s.trim());
    const fingerprint = async () => `${await cli("DBSIZE")}|${await cli("GET", "known:1")}|${await cli("GET", "known:2")}|${await cli("HGETALL", "known:h")}|${await cli("GET", "extra")}`;
    const { run } = await roundTrip(
      target,
      fingerprint,
      async () => {
        await cli("SET", "known:1", "one");
        await cli("SET", "known:2", "two");
        await cli("HSET", "known:h", "a", "1", "b", "2");
      },
      async () => {
        await cli("SET", "known:1", "changed");
        await cli("DEL", "known:2");
        await cli("SET", "extra", "new");
      },
    );
    expect(run.report!.verification).toMatchObject({ ok: true, checks: [{ what: "keys (every database)", expected: 3, actual: 3, result: "ok" }] });
  }, 600_000);
});
