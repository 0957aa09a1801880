/**
 * Restore drill: the latest backup of a (scratch) Postgres restored into a throwaway container cloned
 * from it (fresh volumes, no network), counts verified, the container and its volumes removed, the
 * result recorded — and the service itself untouched.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { runBackup } from "../backups/run-backup";
import { psqlIn, startScratchPostgres, type ScratchServer } from "../backups/testing/scratch-servers";
import { DRILL_LABEL, runRestoreDrill } from "./restore-drill";
import { getRestoreRun } from "./restore-runs";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let root: string;
let pg: ScratchServer;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "opsdeck-restore-drill-"));
  process.env.BACKUP_DIR = root;
  delete process.env.BACKUP_AGE_IDENTITY;
  fixture = await getSharedPosthogFixture();
  [db, pg] = await Promise.all([useMigratedTestDatabase("restoredrill"), startScratchPostgres(fixture.docker)]);
}, 300_000);

afterAll(async () => {
  await pg?.teardown().catch(() => undefined);
  await db?.cleanup();
  await fixture?.release();
  await rm(root, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
});

it("restores the latest backup into a throwaway container, verifies the counts, removes it and records the result", async () => {
  await psqlIn(pg.target, "posthog", "create table drill (id int primary key, v text); insert into drill select g, md5(g::text) from generate_series(1, 1234) g; analyze drill;");
  const first = await runBackup({ target: pg.target, requestedBy: { kind: "system", reason: "test" }, root, name: "older" });
  const latest = await runBackup({ target: pg.target, requestedBy: { kind: "system", reason: "test" }, root });
  expect([first.status, latest.status]).toEqual(["succeeded", "succeeded"]);
  const before = (await psqlIn(pg.target, "posthog", "select count(*) || ':' || sum(id) from drill")).trim();
  const sourceStarted = (await fixture.docker.getContainer(pg.target.containerId).inspect()).State.StartedAt;

  const result = await runRestoreDrill({ source: pg.target, root, requestedBy: { userId: null, email: "admin@example.com" }, readyTimeoutMs: 60_000 });
  expect(result, result.error ?? "").toMatchObject({ status: "succeeded", backupId: latest.backupId, container: { removed: true }, verification: { ok: true } });
  expect(result.verification!.checks).toContainEqual({ what: "posthog.public.drill rows", expected: 1234, actual: 1234, result: "ok" });
  const run = (await getRestoreRun(result.runId))!;
  expect(run).toMatchObject({ kind: "drill", status: "succeeded", safetyBackupId: null, report: { throwawayContainer: { removed: true } } });
  expect(run.steps.map((s) => s.key)).toEqual(["prepare", "restore", "verify", "wait-healthy"]);
  expect(result.container.name).toMatch(/-restore-drill-[0-9a-f]{8}$/);
  expect((await fixture.docker.listContainers({ all: true, filters: { label: [DRILL_LABEL] } })).filter((c) => c.Names.includes(`/${result.container.name}`))).toEqual([]);
  // The service itself was not touched.
  expect((await psqlIn(pg.target, "posthog", "select count(*) || ':' || sum(id) from drill")).trim()).toBe(before);
  expect((await fixture.docker.getContainer(pg.target.containerId).inspect()).State.StartedAt).toBe(sourceStarted);
  const audit = await superuserQuery<{ outcome: string }>(db.url, "select outcome from audit_events where action = 'restore.drill.result' and resource_id = $1", [result.runId]);
  expect(audit).toEqual([{ outcome: "succeeded" }]);
}, 240_000);
