/**
 * The backup actions through executeAction (as the app's server actions call them): who may do what
 * (a viewer cannot run a backup: denied and audited), a run by an operator to the end with its audit
 * rows, a dry run that creates nothing, download/verify/delete by an admin, a crafted id that deletes
 * nothing outside BACKUP_DIR, schedules, and retention applied with each deletion audited and paused
 * while the recent runs fail.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import type { ActionContext } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import type { Role } from "../auth/policy";
import { pool } from "../db/pool";
import {
  backupDeleteAction,
  backupDownloadAction,
  backupDryRunAction,
  backupRetentionApplyAction,
  backupRetentionUpdateAction,
  backupRunAction,
  backupScheduleCreateAction,
  backupScheduleDeleteAction,
  backupScheduleUpdateAction,
  backupVerifyAction,
} from "./actions";
import { backupHistory } from "./backup-history";
import { folderNameFor } from "./backup-paths";
import { getRun, listRuns } from "./backup-runs";
import { listBackupsOnDisk } from "./list-backups";
import { MANIFEST_FORMAT_VERSION, type Manifest } from "./manifest";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let base: string;
let root: string;

const ctx = (role: Role): ActionContext => ({
  actor: { userId: randomUUID(), email: `${role}@example.com`, role, sessionId: "s", mfaAt: new Date() },
  ip: "203.0.113.5",
  userAgent: "vitest",
  requestId: randomUUID(),
});

const audit = (action: string) =>
  superuserQuery<{ outcome: string; actor_email: string | null; resource_id: string | null; correlation_id: string; params: Record<string, unknown> | null; error: string | null }>(
    db.url,
    "select outcome, actor_email, resource_id, correlation_id, params, error from audit_events where action = $1 order by seq",
    [action],
  );

async function waitForRun(id: string) {
  for (let i = 0; i < 600; i++) {
    const run = await getRun(id);
    if (run && run.status !== "running" && run.status !== "queued") return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the backup did not finish");
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "opsdeck-backup-actions-"));
  root = path.join(base, "backups");
  await mkdir(root);
  [fixture, db] = await Promise.all([getSharedPosthogFixture(), useMigratedTestDatabase("backupactions")]);
  const config = path.join(base, "opsdeck.yaml");
  await writeFile(
    config,
    `version: 1
engines:
  - id: local
    socket: ${fixture.socketPath}
services:
  db:
    kind: postgres
    project: ${fixture.project}
    stateful: true
    connection: { host: 127.0.0.1, port: ${fixture.ports.postgres}, user: posthog, database: posthog, passwordEnv: TEST_BACKUP_PG_PASSWORD }
  web:
    kind: app
    project: ${fixture.project}
`,
  );
  Object.assign(process.env, { BACKUP_DIR: root, OPSDECK_CONFIG: config, TEST_BACKUP_PG_PASSWORD: fixture.credentials.postgres.password });
}, 300_000);

afterAll(async () => {
  await db?.cleanup();
  await fixture?.release();
  await rm(base, { recursive: true, force: true });
  for (const k of ["BACKUP_DIR", "OPSDECK_CONFIG", "TEST_BACKUP_PG_PASSWORD"]) delete process.env[k];
});

describe("backup actions", () => {
  let backupId = "";

  it("a viewer cannot run a backup: denied, audited, nothing started", async () => {
    const result = await executeAction(backupRunAction, ctx("viewer"), { service: "db" });
    expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect((await audit("backup.run")).map((r) => [r.outcome, r.actor_email])).toEqual([["denied", "viewer@example.com"]]);
    expect(await listRuns()).toEqual([]);
  });

  it("an operator's dry run shows the commands and the target path, masks the password, and starts nothing", async () => {
    // The dry run inspects the db container (running? which databases?): hold it so no other file stops it meanwhile.
    const result = await fixture.exclusive("db", () => executeAction(backupDryRunAction, ctx("operator"), { service: "db", name: "pre-upgrade-2.0" }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.finalPath).toMatch(new RegExp(`^${root}/${fixture.project}/db/\\d{8}T\\d{9}Z-pre-upgrade-2\\.0$`));
    expect(result.data.discovered).toBe(false);
    expect(result.data.files.map((f) => f.file)).toEqual(["globals.sql.zst", "{database}.pgdump"]);
    expect(result.data.files[1]!.command).toMatchObject({ kind: "exec", argv: expect.arrayContaining(["pg_dump", "-Fc", "--dbname=dbname='{database}'"]), env: { PGPASSWORD: "••••••" } });
    expect(JSON.stringify(result.data)).not.toContain(fixture.credentials.postgres.password);
    expect(await listRuns()).toEqual([]);
    expect(await listBackupsOnDisk({ root })).toEqual([]);
  });

  it("an operator runs a backup: the run is polled to success, audited start to result", async () => {
    const result = await fixture.exclusive("db", async () => {
      const r = await executeAction(backupRunAction, ctx("operator"), { service: "db", name: "" });
      if (r.ok) await waitForRun(r.data.runId);
      return r;
    });
    if (!result.ok) throw new Error(result.error.message);
    const run = await getRun(result.data.runId);
    expect(run).toMatchObject({ status: "succeeded", requestedByEmail: "operator@example.com", trigger: "user", percent: 100 });
    backupId = run!.backupId;
    const rows = await audit("backup.run");
    expect(rows.filter((r) => r.actor_email === "operator@example.com").map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    const [history] = await backupHistory({ service: "db" });
    expect(history).toMatchObject({ backupId, status: "succeeded", requestedBy: "operator@example.com", percent: 100, copies: [], verification: null, error: null });
    expect(history!.files.map((f) => f.path).sort()).toEqual(["globals.sql.zst", "postgres.pgdump", "posthog.pgdump"]);
    expect(history!.durationMs).toBeGreaterThan(0);
    const resultRows = await audit("backup.run.result");
    expect(resultRows).toEqual([expect.objectContaining({ outcome: "succeeded", resource_id: backupId, correlation_id: rows.at(-1)!.correlation_id })]);
  });

  it("an operator may not delete; an admin downloads (audited) and verifies", async () => {
    expect(await executeAction(backupDeleteAction, ctx("operator"), { backupId })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await executeAction(backupDownloadAction, ctx("operator"), { backupId, file: "posthog.pgdump" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const download = await executeAction(backupDownloadAction, ctx("admin"), { backupId, file: "posthog.pgdump" });
    if (!download.ok) throw new Error(download.error.message);
    const chunks: Buffer[] = [];
    for await (const c of download.data.open()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(await readFile(path.join(root, backupId, "posthog.pgdump")))).toBe(true);
    expect(download.data.bytes).toBe(Buffer.concat(chunks).length);
    expect((await audit("backup.download")).map((r) => [r.outcome, r.actor_email, r.resource_id])).toEqual([
      ["denied", "operator@example.com", null],
      ["started", "admin@example.com", backupId],
      ["succeeded", "admin@example.com", backupId],
    ]);
    const verify = await fixture.exclusive("db", () => executeAction(backupVerifyAction, ctx("admin"), { backupId }));
    if (!verify.ok) throw new Error(verify.error.message);
    expect(verify.data.ok).toBe(true);
    expect(verify.data.files.find((f) => f.path === "posthog.pgdump")?.check).toMatch(/pg_restore --list/);
  });

  it("crafted ids are refused before anything is touched", async () => {
    const sentinel = path.join(base, "sentinel.txt");
    await writeFile(sentinel, "keep me");
    for (const id of ["../sentinel.txt", `${fixture.project}/db/../../../sentinel.txt`, path.join(base, "sentinel.txt"), `${fixture.project}/db/x\0`]) {
      expect(await executeAction(backupDeleteAction, ctx("admin"), { backupId: id })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
      expect(await executeAction(backupDownloadAction, ctx("admin"), { backupId: id, file: "manifest.json" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    }
    expect(await executeAction(backupDownloadAction, ctx("admin"), { backupId, file: "../../../sentinel.txt" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(existsSync(sentinel)).toBe(true);
  });

  it("an admin deletes a backup: the folder goes, the run is marked deleted, the deletion is audited", async () => {
    const result = await executeAction(backupDeleteAction, ctx("admin"), { backupId });
    expect(result).toMatchObject({ ok: true });
    expect(existsSync(path.join(root, backupId))).toBe(false);
    expect((await listRuns({ service: "db" }))[0]).toMatchObject({ backupId, deletedReason: "manual" });
    expect((await audit("backup.delete")).map((r) => r.outcome)).toEqual(["denied", "started", "succeeded"]); // the operator's attempt above was denied
  });

  it("schedules: a valid cron is stored, a bad one explained, changes and deletion audited", async () => {
    const bad = await executeAction(backupScheduleCreateAction, ctx("admin"), { stack: fixture.project, service: "db", cron: "every day" });
    expect(bad).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", message: expect.stringMatching(/five-field cron/) } });
    const tooOften = await executeAction(backupScheduleCreateAction, ctx("admin"), { stack: fixture.project, service: "db", cron: "* * * * *" });
    expect(tooOften).toMatchObject({ ok: false, error: { message: expect.stringMatching(/every 5 minutes/) } });
    expect(await executeAction(backupScheduleCreateAction, ctx("operator"), { stack: fixture.project, service: "db", cron: "0 2 * * *" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const created = await executeAction(backupScheduleCreateAction, ctx("admin"), { stack: fixture.project, service: "db", cron: "0 */6 * * *" });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.data).toMatchObject({ cron: "0 */6 * * *", tz: "UTC", enabled: true, createdByEmail: "admin@example.com" });
    const updated = await executeAction(backupScheduleUpdateAction, ctx("admin"), { id: created.data.id, enabled: "false" });
    expect(updated).toMatchObject({ ok: true, data: { enabled: false } });
    expect(await executeAction(backupScheduleDeleteAction, ctx("admin"), { id: created.data.id })).toMatchObject({ ok: true });
    expect((await audit("backup.schedule.create")).map((r) => r.outcome)).toEqual(["started", "failed", "started", "failed", "denied", "started", "succeeded"]);
  });

  it("retention: applied with each deletion audited; paused while the last runs failed; the policy keeps at least one", async () => {
    expect(await executeAction(backupRetentionUpdateAction, ctx("admin"), { daily: 2, weekly: 0, monthly: 0, minKeep: 0 })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await executeAction(backupRetentionUpdateAction, ctx("admin"), { daily: 2, weekly: 0, monthly: 0, minKeep: 1 })).toMatchObject({ ok: true });
    // Ten synthetic good backups on ten days, with succeeded runs.
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const at = new Date(Date.UTC(2026, 9, 10 + i, 2));
      const id = `${fixture.project}/db/${folderNameFor(at)}`;
      ids.push(id);
      await mkdir(path.join(root, id), { recursive: true });
      const manifest: Manifest = {
        formatVersion: MANIFEST_FORMAT_VERSION, id, runId: randomUUID(), stack: fixture.project, service: "db", engine: "postgres", name: null,
        container: { id: "c", name: "c", image: "i", imageId: "i", digest: null }, serverVersion: "15", consoleVersion: "0", startedAt: at.toISOString(), finishedAt: at.toISOString(), durationMs: 1,
        requestedBy: { kind: "system", reason: "test" }, compression: "none", encryption: null, totals: { files: 0, bytes: 0, sourceBytes: 0 }, counts: { databases: 0, tables: 0, rows: 0 },
        databases: [], details: {}, prepare: [], files: [],
      };
      await writeFile(path.join(root, id, "manifest.json"), JSON.stringify(manifest));
    }
    await pool().query(`update backup_runs set created_at = '2026-10-01' where service = 'db'`);
    const applied = await executeAction(backupRetentionApplyAction, ctx("admin"), { stack: fixture.project, service: "db" });
    expect(applied).toMatchObject({ ok: true, data: { paused: false, kept: 2 } });
    expect((await listBackupsOnDisk({ root })).map((b) => b.id)).toEqual([ids[9], ids[8]]);
    const deletions = (await audit("backup.delete")).filter((r) => (r.params as { reason?: string } | null)?.reason === "retention");
    expect(deletions.filter((r) => r.outcome === "succeeded").map((r) => r.resource_id).sort()).toEqual(ids.slice(0, 8).sort());
    expect(deletions.every((r) => r.actor_email === null)).toBe(true);

    // A newer failed run pauses deletion.
    await pool().query(`insert into backup_runs (id, stack, service, engine, status, trigger, backup_id, created_at) values ($1, $2, 'db', 'postgres', 'failed', 'schedule', $3, now())`, [randomUUID(), fixture.project, `${fixture.project}/db/20991231T000000000Z`]);
    await executeAction(backupRetentionUpdateAction, ctx("admin"), { daily: 1, weekly: 0, monthly: 0, minKeep: 1 });
    const paused = await executeAction(backupRetentionApplyAction, ctx("admin"), { stack: fixture.project, service: "db" });
    expect(paused).toMatchObject({ ok: true, data: { paused: true, deleted: [], pausedReason: expect.stringMatching(/failed/) } });
    expect(await listBackupsOnDisk({ root })).toHaveLength(2);
  });
});
