/**
 * Guided restore of Postgres, against scratch Postgres containers (never the shared db: restores are
 * destructive) plus a scratch "app" container as the dependent:
 * known data → backup → change → restore (drop and replace) → the known data is back exactly, the
 * dependent was stopped and started again, and the safety backup holds the changed data;
 * a non-empty target without drop-and-replace is refused before any change; a corrupted backup is
 * refused in preflight; a database-name mismatch is flagged; a dry run changes nothing;
 * the target killed mid-restore → the failed step is reported, the dependent stays stopped, and the
 * rollback from the safety backup brings back the pre-restore data; a console restart turns a
 * running restore into `interrupted` with its last completed step.
 */
import { randomUUID } from "node:crypto";
import { open, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateX25519Identity } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { engineFor } from "../backups/engines";
import type { BackupTarget } from "../backups/engines/types";
import { openBackupPlaintext } from "../backups/read-backup-file";
import { runBackup, type BackupOutcome } from "../backups/run-backup";
import { psqlIn, startScratchPostgres, type ScratchServer } from "../backups/testing/scratch-servers";
import { isAppError } from "../errors/app-error";
import { dryRunRestore } from "./dry-run-restore";
import { runRestore, startRestore } from "./execute-restore";
import { runPreflight } from "./preflight";
import { startRollback } from "./rollback-restore";
import { getRestoreRun, insertRestoreRun, recoverInterruptedRestoreRuns } from "./restore-runs";
import type { RestoreTarget } from "./restore-target";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let root: string;
let pg: ScratchServer;
let app: FixtureStack;
const admin = { userId: null, email: "admin@example.com" };

const fingerprint = (t: BackupTarget) => psqlIn(t, "posthog", "select count(*) || ':' || coalesce(sum(id), 0) || ':' || md5(coalesce(string_agg(id || '=' || payload, ',' order by id), '')) from known").then((s) => s.trim());

function restoreTarget(): RestoreTarget {
  const c = app.get("app");
  return { target: pg.target, dependents: [{ service: "app", docker: fixture.docker, containers: [{ id: c.id, name: c.name, running: true }] }] };
}

async function containerState(id: string) {
  const info = await fixture.docker.getContainer(id).inspect();
  return { status: info.State.Status, startedAt: info.State.StartedAt, restarts: info.RestartCount };
}

function succeeded(outcome: BackupOutcome) {
  if (outcome.status !== "succeeded") throw new Error(`backup failed: ${outcome.error}`);
  return outcome;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "opsdeck-restore-pg-"));
  process.env.BACKUP_DIR = root;
  delete process.env.BACKUP_AGE_IDENTITY;
  fixture = await getSharedPosthogFixture();
  [db, pg, app] = await Promise.all([
    useMigratedTestDatabase("restorepg"),
    startScratchPostgres(fixture.docker),
    startFixtureStack(fixture.docker, { services: [{ service: "app", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"], networkMode: "none" }] }),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([pg?.teardown().catch(() => undefined), app?.teardown().catch(() => undefined)]);
  await db?.cleanup();
  await fixture?.release();
  await rm(root, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
});

describe("Postgres restore", () => {
  let known: string;
  let backupId: string;

  it("known data → backup → change → restore: the known data is back exactly, and the safety backup holds the changed data", async () => {
    await psqlIn(pg.target, "posthog", "create table known (id int primary key, payload text); insert into known select g, md5(g::text) from generate_series(1, 2000) g; analyze known;");
    known = await fingerprint(pg.target);
    backupId = succeeded(await runBackup({ target: pg.target, requestedBy: { kind: "user", ...admin }, root })).backupId;

    await psqlIn(pg.target, "posthog", "delete from known where id > 1500; update known set payload = 'changed' where id <= 10; insert into known values (99999, 'new');");
    const changed = await fingerprint(pg.target);
    expect(changed).not.toBe(known);

    // Without "drop and replace", a non-empty target is refused before any change.
    const appBefore = await containerState(app.get("app").id);
    const refused = await startRestore({ kind: "restore", restoreTarget: restoreTarget(), backupId, root, choices: { dropAndReplace: false }, requestedBy: admin }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("CONFLICT");
    expect((refused as Error).message).toMatch(/Refused before any change: Target empty: the target is not empty \(database posthog has 1 table\(s\)\)/);
    expect(await fingerprint(pg.target)).toBe(changed);
    expect(await containerState(app.get("app").id)).toEqual(appBefore);
    const refusedRows = await superuserQuery<{ status: string; safety: string | null }>(db.url, "select status, safety_backup_id as safety from restore_runs where kind = 'restore' and status = 'refused'");
    expect(refusedRows).toEqual([{ status: "refused", safety: null }]);

    const outcome = await runRestore({ kind: "restore", restoreTarget: restoreTarget(), backupId, root, choices: { dropAndReplace: true }, reason: "test", requestedBy: admin });
    expect(outcome).toMatchObject({ status: "succeeded", failedStep: null, dependentsLeftStopped: [] });
    expect(await fingerprint(pg.target)).toBe(known);

    const run = (await getRestoreRun(outcome.runId))!;
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => [s.key, s.status])).toEqual([
      ["safety-backup", "succeeded"],
      ["stop-dependents", "succeeded"],
      ["prepare", "succeeded"],
      ["restore", "succeeded"],
      ["verify", "succeeded"],
      ["start-dependents", "succeeded"],
      ["wait-healthy", "succeeded"],
    ]);
    expect(run.steps.find((s) => s.key === "stop-dependents")!.detail).toMatch(/stopped .*app/);
    expect(run.lastCompletedStep).toBe("wait-healthy");
    expect(run.percent).toBe(100);
    expect(run.plan!.steps.find((s) => s.key === "restore")!.commands[0]).toMatchObject({ argv: expect.arrayContaining(["--clean", "--if-exists", "--dbname=dbname='posthog'"]), env: { PGPASSWORD: "••••••" } });
    expect(JSON.stringify(run)).not.toContain(pg.password);
    expect((await containerState(app.get("app").id)).status).toBe("running");

    // The safety backup holds the changed data: restore it into a fresh database and compare.
    expect(outcome.safetyBackupId).toMatch(/-pre-restore$/);
    const safety = JSON.parse(JSON.stringify((await superuserQuery<{ manifest: unknown }>(db.url, "select manifest from backup_runs where backup_id = $1", [outcome.safetyBackupId]))[0]!.manifest)) as { files: Array<{ database?: string; path: string; format: string }> };
    await psqlIn(pg.target, "postgres", "create database safety_check");
    const file = safety.files.find((f) => f.database === "posthog")!;
    const stream = await openBackupPlaintext(outcome.safetyBackupId!, file as never, { root });
    await engineFor("postgres").restore(pg.target, { file: file.path, format: "postgres-custom", database: "posthog", stream }, { intoDatabase: "safety_check" });
    expect((await psqlIn(pg.target, "safety_check", "select count(*) || ':' || coalesce(sum(id), 0) || ':' || md5(coalesce(string_agg(id || '=' || payload, ',' order by id), '')) from known")).trim()).toBe(changed);
    await psqlIn(pg.target, "postgres", "drop database safety_check");

    const audit = await superuserQuery<{ action: string; outcome: string; step: string | null }>(db.url, "select action, outcome, params->>'step' as step from audit_events where resource_id = $1 order by seq", [outcome.runId]);
    expect(audit.filter((a) => a.action === "restore.step").map((a) => a.step)).toEqual(run.steps.map((s) => s.key));
    expect(audit.at(-1)).toMatchObject({ action: "restore.run.result", outcome: "succeeded" });
  }, 300_000);

  it("a dump whose database name differs from the target's is flagged loudly and needs an explicit acknowledgement", async () => {
    const flagged = await runPreflight({ backupId, root, restoreTarget: restoreTarget(), choices: { dropAndReplace: true, intoDatabase: "other_db" } });
    const check = flagged.checks.find((c) => c.key === "database-name")!;
    expect(check).toMatchObject({ result: "needs_choice", loud: true, detail: expect.stringMatching(/DATABASE NAME MISMATCH: the dump holds database "posthog" and would be restored into "other_db"/) });
    expect(flagged.ok).toBe(false);
    // A target configured with another database name is flagged the same way.
    const configured = await runPreflight({ backupId, root, restoreTarget: { ...restoreTarget(), target: { ...pg.target, database: "analytics" } }, choices: { dropAndReplace: true } });
    expect(configured.checks.find((c) => c.key === "database-name")).toMatchObject({ result: "needs_choice", loud: true });
    const acknowledged = await runPreflight({ backupId, root, restoreTarget: restoreTarget(), choices: { dropAndReplace: true, intoDatabase: "other_db", acceptDatabaseMismatch: true } });
    expect(acknowledged.checks.find((c) => c.key === "database-name")).toMatchObject({ result: "warn", loud: true });
    expect(acknowledged.ok).toBe(true);
  }, 240_000);

  it("a dry run records the preflight and plan and changes nothing (data and container states compared)", async () => {
    await psqlIn(pg.target, "posthog", "update known set payload = 'dry' where id = 1");
    const data = await fingerprint(pg.target);
    const states = [await containerState(pg.target.containerId), await containerState(app.get("app").id)];
    const dry = await dryRunRestore({ restoreTarget: restoreTarget(), backupId, root, choices: { dropAndReplace: true }, requestedBy: admin });
    expect(dry.run).toMatchObject({ kind: "dry_run", status: "planned", safetyBackupId: null });
    expect(dry.plan!.steps.map((s) => s.key)).toEqual(["safety-backup", "stop-dependents", "prepare", "restore", "verify", "start-dependents", "wait-healthy"]);
    expect(dry.preflight.checks.map((c) => c.key)).toEqual(expect.arrayContaining(["manifest", "engine", "encryption-key", "reachable", "version", "database-name", "checksums", "readable", "disk-backup", "disk-restore", "target-empty", "dependents", "idle"]));
    expect(await fingerprint(pg.target)).toBe(data);
    expect([await containerState(pg.target.containerId), await containerState(app.get("app").id)]).toEqual(states);
    const runs = await superuserQuery<{ n: string }>(db.url, "select count(*) as n from backup_runs where name = 'pre-restore'");
    expect(Number(runs[0]!.n)).toBe(1); // only the first test's safety backup: the dry run took none
  }, 240_000);

  it("a corrupted backup is refused in preflight, before any change", async () => {
    const other = succeeded(await runBackup({ target: pg.target, requestedBy: { kind: "user", ...admin }, root, name: "to-corrupt" }));
    const fh = await open(path.join(other.dir, "posthog.pgdump"), "r+");
    const size = (await fh.stat()).size;
    const byte = Buffer.alloc(1);
    await fh.read(byte, 0, 1, Math.floor(size / 2));
    byte[0]! ^= 0xff;
    await fh.write(byte, 0, 1, Math.floor(size / 2));
    await fh.close();
    const before = await fingerprint(pg.target);
    const preflight = await runPreflight({ backupId: other.backupId, root, restoreTarget: restoreTarget(), choices: { dropAndReplace: true } });
    expect(preflight.ok).toBe(false);
    expect(preflight.checks.find((c) => c.key === "checksums")).toMatchObject({ result: "fail", detail: expect.stringMatching(/posthog\.pgdump: sha256 does not match the manifest/) });
    const refused = await startRestore({ kind: "restore", restoreTarget: restoreTarget(), backupId: other.backupId, root, choices: { dropAndReplace: true }, requestedBy: admin }).catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/Refused before any change: Checksums and decryption/);
    expect(await fingerprint(pg.target)).toBe(before);
  }, 240_000);

  it("the target killed mid-restore: the failed step is reported, the dependent stays stopped, and the rollback brings back the pre-restore data", async () => {
    // A backup big enough that pg_restore is still running when the container is killed.
    await psqlIn(pg.target, "posthog", "create table bulk as select g as id, md5(g::text) || md5((g+1)::text) || md5((g+2)::text) as payload from generate_series(1, 600000) g");
    const big = succeeded(await runBackup({ target: pg.target, requestedBy: { kind: "user", ...admin }, root, name: "big" })).backupId;
    await psqlIn(pg.target, "posthog", "update known set payload = 'before-failed-restore' where id <= 100; drop table bulk;");
    const preRestore = await fingerprint(pg.target);

    const outcome = await runRestore({
      kind: "restore",
      restoreTarget: restoreTarget(),
      backupId: big,
      root,
      choices: { dropAndReplace: true },
      requestedBy: admin,
      onStep: (key) => {
        if (key === "restore") setTimeout(() => void fixture.docker.getContainer(pg.target.containerId).kill().catch(() => undefined), 400);
      },
    });
    expect(outcome).toMatchObject({ status: "failed", failedStep: "restore", rollbackOffered: true });
    expect(outcome.dependentsLeftStopped).toEqual([{ service: "app", containers: [app.get("app").name], why: expect.stringMatching(/holds a partial restore; starting it would let the application read and write inconsistent data/) }]);
    expect((await containerState(app.get("app").id)).status).toBe("exited");
    const run = (await getRestoreRun(outcome.runId))!;
    expect(run).toMatchObject({ status: "failed", failedStep: "restore", lastCompletedStep: "prepare" });
    expect(run.steps.find((s) => s.key === "restore")).toMatchObject({ status: "failed", error: expect.any(String) });
    expect(run.steps.filter((s) => s.status === "skipped").map((s) => s.key)).toEqual(["verify", "start-dependents", "wait-healthy"]);

    // One click: the rollback starts the killed server, takes its own safety backup, restores the first one.
    const rollback = await startRollback({ runId: outcome.runId, restoreTarget: restoreTarget(), root, dropAndReplace: true, requestedBy: admin, reason: "failed restore" });
    const result = await rollback.done;
    expect(result).toMatchObject({ status: "succeeded" });
    expect(await fingerprint(pg.target)).toBe(preRestore);
    expect((await getRestoreRun(result.runId))!).toMatchObject({ kind: "rollback", rollbackOf: outcome.runId, backupId: outcome.safetyBackupId, status: "succeeded" });
    expect((await containerState(app.get("app").id)).status).toBe("running");
  }, 420_000);

  it("an encrypted backup: refused without its key (named), restored with it", async () => {
    const identity = await generateX25519Identity();
    process.env.BACKUP_AGE_IDENTITY = identity;
    try {
      const enc = succeeded(await runBackup({ target: pg.target, requestedBy: { kind: "user", ...admin }, root, name: "encrypted" }));
      const data = await fingerprint(pg.target);
      process.env.BACKUP_AGE_IDENTITY = await generateX25519Identity(); // another key
      const refused = await runPreflight({ backupId: enc.backupId, root, restoreTarget: restoreTarget(), choices: { dropAndReplace: true } });
      expect(refused.checks.find((c) => c.key === "encryption-key")).toMatchObject({ result: "fail", detail: expect.stringMatching(new RegExp(`encrypted to ${enc.manifest.encryption!.keyId}, and no configured age identity matches`)) });
      expect(refused.ok).toBe(false);
      process.env.BACKUP_AGE_IDENTITY = identity;
      await psqlIn(pg.target, "posthog", "update known set payload = 'after-encrypted-backup' where id = 2");
      const outcome = await runRestore({ kind: "restore", restoreTarget: restoreTarget(), backupId: enc.backupId, root, choices: { dropAndReplace: true }, requestedBy: admin });
      expect(outcome, outcome.error ?? "").toMatchObject({ status: "succeeded" });
      expect(await fingerprint(pg.target)).toBe(data);
    } finally {
      delete process.env.BACKUP_AGE_IDENTITY;
    }
  }, 300_000);

  it("a console restart turns a running restore into `interrupted` with its last completed step", async () => {
    const run = await insertRestoreRun({ kind: "restore", status: "running", stack: "ghost", service: "db", engine: "postgres", backupId: "ghost/db/20260101T000000000Z", dropAndReplace: true, requestedBy: admin });
    const steps = [
      { key: "safety-backup", title: "Safety backup", status: "succeeded", startedAt: null, finishedAt: null, detail: null, error: null },
      { key: "restore", title: "Restore", status: "running", startedAt: null, finishedAt: null, detail: null, error: null },
    ];
    await superuserQuery(db.url, "update restore_runs set owner = $2, steps = $3::jsonb, last_completed_step = 'safety-backup', safety_backup_id = 'ghost/db/20260101T000000001Z-pre-restore' where id = $1", [run.id, `${(await import("node:os")).hostname()}:999999:${randomUUID()}`, JSON.stringify(steps)]);
    const report = await recoverInterruptedRestoreRuns();
    expect(report.interrupted).toEqual([{ id: run.id, service: "db", lastCompletedStep: "safety-backup" }]);
    const after = (await getRestoreRun(run.id))!;
    expect(after).toMatchObject({ status: "interrupted", lastCompletedStep: "safety-backup", failedStep: "restore", error: expect.stringMatching(/during "Restore"\. Last completed step: safety-backup\. The safety backup .* can be restored/) });
    expect(after.steps[1]).toMatchObject({ status: "failed" });
    expect((await recoverInterruptedRestoreRuns()).interrupted).toEqual([]);
  });
});
