/**
 * Backups in Chromium against a real Postgres container on the real Docker engine (no registry:
 * the host's Debian Postgres on the fixture base image, e2e/fixtures/backups/postgres.ts), which
 * the e2e console knows as service `db` (e2e/fixtures/dashboard/opsdeck.e2e.yaml). The console
 * writes backups to a temporary BACKUP_DIR (playwright.config.ts).
 *
 * To see the run while it is running, the spec holds an ACCESS EXCLUSIVE lock on the seeded table:
 * the backup waits on it (as it would behind a long migration), the page shows it running with its
 * progress bar, and when the lock goes the backup finishes — all without a reload. A first run is
 * made to fail the same way (its waiting database session is terminated): the page shows the error
 * and the command's stderr.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import type pg from "pg";
import { backupFixtureEnv } from "./fixtures/backups/env";
import { pgClient, seedShop, startBackupPostgres } from "./fixtures/backups/postgres";
import { ensureDockerEngine } from "./fixtures/docker/ensure-engine";
import type { FixtureStack } from "./fixtures/docker/fixture-stack";
import { e2eQuery, signInAsNewUser } from "./helpers/identity";

test.describe.configure({ mode: "serial", timeout: 240_000 });

const env = backupFixtureEnv(Number(process.env.OPSDECK_E2E_PORT ?? 3210));
let stack: FixtureStack;
let backupId = "";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const engine = await ensureDockerEngine();
  stack = await startBackupPostgres(engine.docker, env);
  await seedShop(env, 150_000);
});

test.afterAll(async () => {
  await stack?.teardown();
});

async function shopQuery<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = pgClient(env);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Opens the Backups page and waits until React has hydrated it (a click before that does nothing, and typed text is reset). */
async function openBackups(page: Page) {
  await page.goto("/backups");
  await expect(page.getByTestId("backups-live")).toHaveAttribute("data-hydrated", "true");
}

function expectNoPassword(text: string, where: string) {
  expect(text.includes(env.password), `the Postgres password in ${where}`).toBe(false);
}

test("an operator runs a named backup from the page, watches it run live, and sees it succeed in the history; a dry run shows the commands with the password masked", async ({ page }) => {
  const { email } = await signInAsNewUser(page, "operator");
  await openBackups(page);
  await expect(page.getByRole("heading", { level: 1, name: "Backups" })).toBeVisible();
  const card = page.getByTestId("backup-service-db");
  await expect(card).toBeVisible();
  await expect(card.getByText(`project ${env.project}`)).toBeVisible();
  // Operators run backups; deleting, verifying, schedules and retention are for admins.
  await expect(card.getByRole("button", { name: "Add schedule" })).toHaveCount(0);
  await expect(page.getByTestId("retention-form")).toHaveCount(0);

  // Dry run: exact argv, secrets masked, the target path — and nothing runs.
  await card.getByRole("button", { name: "Dry run" }).click();
  const dry = card.getByTestId("dry-run");
  await expect(dry).toBeVisible({ timeout: 30_000 });
  await expect(dry.getByTestId("dry-run-path")).toContainText(path.join(env.backupDir, env.project, "db"));
  await expect(dry).toContainText("/usr/lib/postgresql/15/bin/pg_dump");
  await expect(dry).toContainText("-Fc");
  await expect(dry).toContainText("PGPASSWORD=••••••");
  expectNoPassword(await page.content(), "the dry run");
  await dry.getByRole("button", { name: "Close" }).click();
  // (Other specs back up their own services: every check here is scoped to this project's db.)
  expect(await e2eQuery("select id from backup_runs where stack = $1", [env.project])).toEqual([]);

  // A backup that fails: it waits on the held table, and its database session is killed. The page
  // shows the failure with the error and the command's stderr, live.
  const blocker: pg.Client = pgClient(env);
  await blocker.connect();
  try {
    await blocker.query("begin");
    await blocker.query("lock table orders in access exclusive mode");
    await card.getByRole("button", { name: "Run now" }).click();
    await expect(card.locator('[data-testid="backup-run"][data-status="running"]')).toBeVisible({ timeout: 30_000 });
    // (Not from the locking session: inside its transaction pg_stat_activity is a frozen snapshot.)
    const waiting = "from pg_stat_activity where application_name = 'opsdeck-backup' and wait_event_type = 'Lock'";
    await expect.poll(async () => (await shopQuery<{ n: number }>(`select count(*)::int as n ${waiting}`))[0]!.n, { timeout: 30_000 }).toBeGreaterThan(0);
    await shopQuery(`select pg_terminate_backend(pid) ${waiting}`);
    const failed = card.locator('[data-testid="backup-run"][data-status="failed"]');
    await expect(failed).toBeVisible({ timeout: 60_000 });
    await expect(failed.getByTestId("backup-error")).toContainText(/terminat/i);
    await expect(card.getByText("Last backup failed")).toBeVisible();
  } finally {
    await blocker.query("rollback").catch(() => undefined);
    await blocker.end();
  }
  await expect(card.getByTestId("run-result")).toHaveCount(0);

  // Hold the table so the backup waits where we can watch it.
  const lock: pg.Client = pgClient(env);
  await lock.connect();
  await lock.query("begin");
  await lock.query("lock table orders in access exclusive mode");
  let released = false;
  try {
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await card.getByLabel(/Name/).fill("e2e-pre-upgrade");
    await card.getByRole("button", { name: "Run now" }).click();
    await expect(card.getByTestId("run-result")).toHaveAttribute("data-ok", "true");
    const running = card.locator('[data-testid="backup-run"][data-status="running"]');
    await expect(running).toBeVisible({ timeout: 30_000 });
    await expect(running.getByTestId("backup-progress")).toBeVisible();
    await expect(running.getByRole("progressbar")).toBeVisible();
    await expect(running).toContainText("written");
    await expect(running).toContainText("elapsed");
    await expect(card.getByRole("button", { name: "Run now" })).toBeDisabled(); // one backup per service at a time
    await expect(card.getByText("Backup running")).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/backups-running-1280.png" });
    await lock.query("commit");
    released = true;
  } finally {
    if (!released) await lock.query("rollback").catch(() => undefined);
    await lock.end();
  }

  const done = card.locator('[data-testid="backup-run"][data-status="succeeded"]').first();
  await expect(done).toBeVisible({ timeout: 120_000 });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true); // live, no reload
  await expect(card.getByTestId("backup-progress")).toHaveCount(0);
  await expect(done).toContainText("e2e-pre-upgrade");
  await expect(done).toContainText(`by ${email}`);
  await expect(done).toContainText("Size");
  await expect(done).toContainText(/MiB|KiB/);
  await expect(done).toContainText("Checksum (sha256)");
  await expect(done).toContainText("local only");
  await expect(card.getByTestId("backup-trends")).toBeVisible();
  await expect(card.getByText(/^Last good /)).toBeVisible();
  backupId = (await done.getAttribute("data-backup-id"))!;
  expect(backupId).toMatch(new RegExp(`^${env.project}/db/\\d{8}T\\d{9}Z-e2e-pre-upgrade$`));

  // On disk: a complete folder with its manifest, the dumps' sha256 as the page shows them.
  const manifest = JSON.parse(readFileSync(path.join(env.backupDir, backupId, "manifest.json"), "utf8")) as { files: Array<{ path: string; sha256: string }> };
  expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(["globals.sql.zst", "shop.pgdump"]));
  const dump = manifest.files.find((f) => f.path === "shop.pgdump")!;
  await done.getByText("Files and checksums").click();
  await expect(done).toContainText(dump.sha256);
  expect(existsSync(path.join(env.backupDir, `${backupId}.partial`))).toBe(false);

  const runs = await e2eQuery<{ outcome: string; actor_email: string }>("select outcome, actor_email from audit_events where action = 'backup.run' and resource_id = 'db' and actor_email = $1 order by seq", [email]);
  // The action's outcome is that the run was started (queued); how each run ended is backup.run.result.
  expect(runs.map((r) => [r.outcome, r.actor_email])).toEqual([
    ["started", email],
    ["succeeded", email],
    ["started", email],
    ["succeeded", email],
  ]);
  const results = await e2eQuery<{ outcome: string }>("select outcome from audit_events where action = 'backup.run.result' and resource_id like $1 order by seq", [`${env.project}/db/%`]);
  expect(results.map((r) => r.outcome)).toEqual(["failed", "succeeded"]);
  expectNoPassword(await page.content(), "the backups page");
  const audit = await e2eQuery<{ row: string }>("select row_to_json(a)::text as row from audit_events a");
  for (const r of audit) expectNoPassword(r.row, "the audit log");

  await page.screenshot({ path: "e2e/screenshots/backups-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(card.getByRole("button", { name: "Run now" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/backups-390.png", fullPage: true });
});

test("a viewer sees the history but no run, schedule or delete control; calling the run route directly is denied and audited", async ({ page }) => {
  const { email } = await signInAsNewUser(page, "viewer");
  await page.setViewportSize({ width: 390, height: 844 });
  await openBackups(page);
  const card = page.getByTestId("backup-service-db");
  await expect(card.locator('[data-testid="backup-run"][data-status="succeeded"]').first()).toBeVisible();
  await expect(card.getByTestId("run-controls-db")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Run now|Dry run|Add schedule|Delete|Verify|Save policy)/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "shop.pgdump" })).toHaveCount(0);

  const before = (await e2eQuery<{ n: number }>("select count(*)::int as n from backup_runs where stack = $1", [env.project]))[0]!.n;
  const run = await page.request.post("/api/v1/backups/runs", { data: { service: "db", name: "viewer-attempt" } });
  expect(run.status()).toBe(403);
  const download = await page.request.get(`/api/v1/backups/download?${new URLSearchParams({ id: backupId, file: "shop.pgdump" })}`);
  expect(download.status()).toBe(403);
  expect((await e2eQuery<{ n: number }>("select count(*)::int as n from backup_runs where stack = $1", [env.project]))[0]!.n).toBe(before);
  const denied = await e2eQuery<{ action: string }>("select action from audit_events where actor_email = $1 and outcome = 'denied' order by seq", [email]);
  expect(denied.map((r) => r.action)).toEqual(["backup.run", "backup.download"]);
  await page.screenshot({ path: "e2e/screenshots/backups-viewer-390.png", fullPage: true });
});

test("an admin schedules, verifies and downloads (audited), and previews retention", async ({ page }) => {
  const { email } = await signInAsNewUser(page, "admin");
  await openBackups(page);
  const card = page.getByTestId("backup-service-db");
  const schedules = card.getByTestId("schedules-db");
  await schedules.getByLabel("New schedule (cron)").fill("0 3 * * *");
  await schedules.getByRole("button", { name: "Add schedule" }).click();
  await expect(schedules.getByText("0 3 * * *")).toBeVisible();
  await expect(schedules).toContainText(/Next run \d{4}-\d{2}-\d{2} 03:00 UTC/);
  await schedules.getByRole("button", { name: "Disable" }).click();
  await expect(schedules.getByText("disabled", { exact: true })).toBeVisible();

  await expect(card.getByTestId("retention-preview-db")).toContainText("1 backup on disk: 1 kept, 0 would be deleted");
  await expect(page.getByTestId("retention-form")).toBeVisible();

  const row = card.locator(`[data-backup-id="${backupId}"]`);
  await row.getByRole("button", { name: "Verify" }).click();
  await expect(row.getByTestId("backup-verification")).toContainText("Verified", { timeout: 60_000 });
  await expect(row.getByTestId("backup-verification")).toContainText("pg_restore --list");

  const download = await page.request.get(`/api/v1/backups/download?${new URLSearchParams({ id: backupId, file: "shop.pgdump" })}`);
  expect(download.status()).toBe(200);
  const manifest = JSON.parse(readFileSync(path.join(env.backupDir, backupId, "manifest.json"), "utf8")) as { files: Array<{ path: string; sha256: string }> };
  expect(download.headers()["x-checksum-sha256"]).toBe(manifest.files.find((f) => f.path === "shop.pgdump")!.sha256);
  expect((await download.body()).length).toBeGreaterThan(1_000_000);
  const crafted = await page.request.get(`/api/v1/backups/download?${new URLSearchParams({ id: `${env.project}/db/../../../etc`, file: "passwd" })}`);
  expect(crafted.status()).toBe(400);
  const downloads = await e2eQuery<{ outcome: string }>("select outcome from audit_events where action = 'backup.download' and actor_email = $1 order by seq", [email]);
  expect(downloads.map((r) => r.outcome)).toEqual(["started", "succeeded"]);

  await page.reload();
  await expect(page.getByTestId("backups-live")).toHaveAttribute("data-hydrated", "true");
  await page.screenshot({ path: "e2e/screenshots/backups-admin-1280.png", fullPage: true });
  await card.getByTestId("schedules-db").getByRole("button", { name: /Delete schedule/ }).click();
  await expect(card.getByTestId("schedules-db")).toContainText("No schedule");
});
