/**
 * Crash test: a console process (a child running one backup of a ~25 MB Postgres) is SIGKILLed in the
 * middle. On "restart" (recoverInterruptedRuns) the run becomes `interrupted` — never `succeeded` —,
 * the `.partial` folder it left is never listed as a backup and is removed, and the next backup of
 * the same service succeeds.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { listRuns, recoverInterruptedRuns } from "./backup-runs";
import { listBackupsOnDisk } from "./list-backups";
import { runBackup } from "./run-backup";
import { psqlIn, startScratchPostgres, type ScratchServer } from "./testing/scratch-servers";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let pg: ScratchServer;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "opsdeck-crash-"));
  process.env.BACKUP_DIR = root;
  fixture = await getSharedPosthogFixture();
  [db, pg] = await Promise.all([useMigratedTestDatabase("crash"), startScratchPostgres(fixture.docker)]);
  await psqlIn(pg.target, "posthog", "create table events_blob as select g as id, md5(random()::text)||md5(random()::text)||md5(random()::text) as payload from generate_series(1, 250000) g");
}, 300_000);

afterAll(async () => {
  await pg?.teardown();
  await db?.cleanup();
  await fixture?.release();
  await rm(root, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
});

it("a console killed mid-backup leaves an interrupted run, no listed backup, and the next backup succeeds", async () => {
  const { docker: _docker, ...target } = pg.target;
  // node itself with tsx as a loader (the tsx CLI would run the script in a grandchild that SIGKILL does not reach).
  const child = spawn(process.execPath, ["--import", "tsx", "lib/backups/testing/backup-child.ts"], {
    env: { ...process.env, BACKUP_DIR: root, BACKUP_CHILD_DATABASE_URL: db.url, BACKUP_CHILD_TARGET: JSON.stringify({ ...target, socketPath: fixture.socketPath }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ? -1 : code)));

  // Wait until the dump of the big database is streaming (progress is persisted), then kill the "console".
  const deadline = Date.now() + 90_000;
  let running;
  for (;;) {
    running = (await listRuns({ service: "db" })).find((r) => r.status === "running" && r.bytesDone > 2_000_000);
    if (running) break;
    if (Date.now() > deadline) throw new Error(`the child never got going: ${output}`);
    if (child.exitCode !== null) throw new Error(`the child ended before it was killed: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  expect(await exited).toBe(-1);

  const partial = path.join(root, pg.target.stack, "db", `${running.backupId.split("/")[2]}.partial`);
  expect(existsSync(partial)).toBe(true);
  expect(await listBackupsOnDisk({ root })).toEqual([]); // a .partial folder is never a backup
  expect((await listRuns({ service: "db" }))[0]!.status).toBe("running"); // as the dead process left it

  // The console starts again.
  const report = await recoverInterruptedRuns({ root });
  expect(report.interrupted).toEqual([running.id]);
  expect(report.partialFoldersRemoved).toEqual([running.backupId]);
  const after = (await listRuns({ service: "db" }))[0]!;
  expect(after).toMatchObject({ id: running.id, status: "interrupted", error: expect.stringMatching(/console stopped/) });
  expect(existsSync(partial)).toBe(false);
  const audit = await superuserQuery<{ outcome: string; error: string }>(db.url, "select outcome, error from audit_events where action = 'backup.run.result' and resource_id = $1", [running.backupId]);
  expect(audit).toEqual([{ outcome: "failed", error: expect.stringMatching(/interrupted/) }]);

  const next = await runBackup({ target: pg.target, requestedBy: { kind: "system", reason: "after crash" }, root });
  expect(next.status).toBe("succeeded");
  expect((await listBackupsOnDisk({ root })).map((b) => b.id)).toEqual([next.backupId]);
  expect(await readdir(path.join(root, pg.target.stack, "db"))).toEqual([next.backupId.split("/")[2]]);
});
