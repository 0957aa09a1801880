/**
 * The restore actions end to end through the stack config (opsdeck.yaml → service container by
 * compose labels, credentials from the environment, dependents by labels): an admin's dry run,
 * then restore.run (typed confirmation, fresh MFA) → the run finishes in the background with the
 * dependent stopped and started again → restore.rollback puts the pre-restore data back.
 * Scratch Postgres and a scratch app container: the shared fixture is never restored into.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { contextFor, createTestUser, signedInActor } from "@/test/identity-fixtures";
import { useMigratedTestDatabase } from "@/test/test-database";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { executeAction } from "../actions/define-action";
import { runBackup } from "../backups/run-backup";
import { psqlIn, startScratchPostgres, type ScratchServer } from "../backups/testing/scratch-servers";
import { restoreDryRunAction, restoreRollbackAction, restoreRunAction } from "./actions";
import { getRestoreRun, type RestoreRunRow } from "./restore-runs";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let base: string;
let root: string;
let pg: ScratchServer;
let app: FixtureStack;

async function finished(id: string): Promise<RestoreRunRow> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const run = await getRestoreRun(id);
    if (run && run.status !== "running") return run;
    if (Date.now() > deadline) throw new Error("the restore did not finish");
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "opsdeck-restore-flow-"));
  root = path.join(base, "backups");
  await mkdir(root);
  fixture = await getSharedPosthogFixture();
  [db, pg, app] = await Promise.all([
    useMigratedTestDatabase("restoreflow"),
    startScratchPostgres(fixture.docker),
    startFixtureStack(fixture.docker, { services: [{ service: "app", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"], networkMode: "none" }] }),
  ]);
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
    project: ${pg.stack.project}
    stateful: true
    dependents: [app]
    connection: { host: 127.0.0.1, port: ${pg.port}, user: posthog, database: posthog, passwordEnv: TEST_RESTORE_PG_PASSWORD }
  app:
    kind: app
    project: ${app.project}
`,
  );
  Object.assign(process.env, { BACKUP_DIR: root, OPSDECK_CONFIG: config, TEST_RESTORE_PG_PASSWORD: pg.password });
  delete process.env.BACKUP_AGE_IDENTITY;
}, 300_000);

afterAll(async () => {
  await Promise.all([pg?.teardown().catch(() => undefined), app?.teardown().catch(() => undefined)]);
  await db?.cleanup();
  await fixture?.release();
  await rm(base, { recursive: true, force: true });
  for (const k of ["BACKUP_DIR", "OPSDECK_CONFIG", "TEST_RESTORE_PG_PASSWORD"]) delete process.env[k];
});

it("dry run, restore and rollback through the actions and the stack config", async () => {
  const admin = await createTestUser({ role: "admin" });
  const ctx = contextFor(await signedInActor(admin));
  const rows = () => psqlIn(pg.target, "posthog", "select count(*) || ':' || coalesce(sum(v), 0) from flow").then((s) => s.trim());
  await psqlIn(pg.target, "posthog", "create table flow (id int primary key, v int); insert into flow select g, g * 2 from generate_series(1, 500) g;");
  const backup = await runBackup({ target: pg.target, requestedBy: { kind: "system", reason: "test" }, root });
  if (backup.status !== "succeeded") throw new Error(backup.error);
  await psqlIn(pg.target, "posthog", "delete from flow where id > 100");
  expect(await rows()).toBe("100:10100");

  const choice = { service: "db", backupId: backup.backupId, dropAndReplace: "on" };
  const dry = await executeAction(restoreDryRunAction, ctx, choice);
  if (!dry.ok) throw new Error(dry.error.message);
  expect(dry.data.status).toBe("planned");
  expect(dry.data.preflight.checks.find((c) => c.key === "dependents")!.detail).toMatch(new RegExp(`app \\(${app.project}-app-1\\)`));
  expect(await rows()).toBe("100:10100");

  const started = await executeAction(restoreRunAction, ctx, { ...choice, confirmService: "db", reason: "bring back the deleted rows" });
  if (!started.ok) throw new Error(started.error.message);
  const run = await finished(started.data.runId);
  expect(run, run.error ?? "").toMatchObject({ status: "succeeded", reason: "bring back the deleted rows" });
  expect(run.steps.find((s) => s.key === "stop-dependents")!.detail).toBe(`stopped ${app.project}-app-1`);
  expect(run.steps.find((s) => s.key === "start-dependents")!.detail).toBe(`started ${app.project}-app-1`);
  expect(await rows()).toBe("500:250500");
  expect((await fixture.docker.getContainer(app.get("app").id).inspect()).State.Running).toBe(true);

  // A fresh sign-in (MFA just proved): the step-up window is 5 minutes, and a slow machine can spend that above.
  const rollback = await executeAction(restoreRollbackAction, contextFor(await signedInActor(admin)), { runId: run.id, dropAndReplace: "on", confirmService: "db", reason: "undo" });
  if (!rollback.ok) throw new Error(rollback.error.message);
  expect(await finished(rollback.data.runId)).toMatchObject({ status: "succeeded", kind: "rollback" });
  expect(await rows()).toBe("100:10100");
}, 300_000);
