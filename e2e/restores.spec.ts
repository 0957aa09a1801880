/**
 * Guided restores in Chromium against a real Postgres on the real Docker engine: a stack of this
 * spec's own (e2e/fixtures/restores/stack.ts) that the e2e console knows as `restore-db`, with the
 * small `restore-app` as its dependent (opsdeck.e2e.yaml) — never e2e/backups.spec.ts's `db`.
 *
 * An admin seeds known data, takes a named backup (the backup API, the same action as Run now),
 * "loses" data, then walks the wizard: choose the service and the backup (filtered by name) →
 * preflight (refused until "drop and replace" is chosen; then every check passed) → the plan (the
 * exact commands, the password masked) → a dry run, recorded, that changes nothing → confirm (typed
 * service name, reason, and the TOTP step-up because the session's MFA proof is made older than 5
 * minutes) → the run page, live, across a reload (the app is held unhealthy so the last step can be
 * watched) → the report. The known data is back, checked with `docker exec … psql`.
 *
 * An operator has no Restores entry, gets the forbidden page, and a direct call of the restore server
 * action is denied and audited.
 */
import { readFileSync } from "node:fs";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { ensureDockerEngine } from "./fixtures/docker/ensure-engine";
import type { FixtureStack } from "./fixtures/docker/fixture-stack";
import { restoreFixtureEnv } from "./fixtures/restores/env";
import { APP_HOLD_FILE, DAMAGE_SQL, FINGERPRINT_SQL, SEED_SQL, execIn, psqlExec, startRestoreStack } from "./fixtures/restores/stack";
import { e2eQuery, freshTotp, signInAsNewUser } from "./helpers/identity";

test.describe.configure({ mode: "serial", timeout: 300_000 });
// The machine running this is loaded (2 cores, other suites): every assertion waits up to 20 s.
const expect = baseExpect.configure({ timeout: 20_000 });

const env = restoreFixtureEnv(Number(process.env.OPSDECK_E2E_PORT ?? 3210));
const SERVICE = "restore-db";
let stack: FixtureStack;
/** Set by the wizard test: the restore run, and the data before it (what its safety backup holds). */
let restored: { runId: string; damaged: string; known: string } | null = null;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const engine = await ensureDockerEngine();
  stack = await startRestoreStack(engine.docker, env);
  await psqlExec(stack, env, SEED_SQL);
});

test.afterAll(async () => {
  await stack?.teardown();
});

const fingerprint = () => psqlExec(stack, env, FINGERPRINT_SQL);

async function appState() {
  const info = await stack.get("app").container.inspect();
  return { status: info.State.Status, startedAt: info.State.StartedAt };
}

function expectNoPassword(text: string, where: string) {
  expect(text.includes(env.password), `the Postgres password in ${where}`).toBe(false);
}

/** The id Next.js gave a server action of the restores page in this build. */
function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { filename: string; exportedName: string }> };
  const found = Object.entries(manifest.node).find(([, a]) => a.filename === "app/(console)/restores/actions.ts" && a.exportedName === exportedName);
  if (!found) throw new Error(`server action ${exportedName} not in the build (run npm run build)`);
  return found[0];
}

/** A full-page screenshot from the top (the header and sidebar are sticky: a scrolled page would draw them mid-page). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

/** Opens the Restores page and waits until React has hydrated the wizard. */
async function openRestores(page: Page) {
  await page.goto("/restores");
  await expect(page.getByTestId("restore-wizard")).toHaveAttribute("data-hydrated", "true", { timeout: 30_000 });
}

/** A named backup of restore-db through POST /api/v1/backups/runs (what Run now and upgrade scripts call), to the end. */
async function takeBackup(page: Page, name: string, service = SERVICE): Promise<string> {
  const started = await page.request.post("/api/v1/backups/runs", { data: { service, name } });
  expect(started.status(), await started.text()).toBe(202);
  const { runId } = (await started.json()) as { runId: string };
  let run: { status: string; backupId: string; error?: string | null } = { status: "queued", backupId: "" };
  await expect
    .poll(
      async () => {
        run = (await (await page.request.get(`/api/v1/backups/runs/${runId}`)).json()) as typeof run;
        return run.status;
      },
      { timeout: 180_000, intervals: [1_000] },
    )
    .toMatch(/^(succeeded|failed)$/);
  expect(run.status, run.error ?? "").toBe("succeeded");
  return run.backupId;
}

test("an admin restores Postgres with the wizard: preflight, plan, dry run, typed confirmation with TOTP step-up, live progress across a reload, the report — and the data is back", async ({ page }) => {
  const { email, manualKey } = await signInAsNewUser(page, "admin");
  const known = await fingerprint();
  expect(known).toMatch(/^2000:5000:/);
  const backupId = await takeBackup(page, "pre-upgrade-e2e");
  await psqlExec(stack, env, DAMAGE_SQL);
  const damaged = await fingerprint();
  expect(damaged).toMatch(/^2001:1000:/);

  // 1. Choose: the nav leads to Restores; the backups of restore-db, filtered by name.
  await page.getByRole("navigation").getByRole("link", { name: "Restores" }).first().click();
  await expect(page).toHaveURL(/\/restores$/);
  await expect(page.getByTestId("restore-wizard")).toHaveAttribute("data-hydrated", "true", { timeout: 30_000 });
  const wizard = page.getByTestId("restore-wizard");
  await wizard.getByLabel("Service to restore into").selectOption(SERVICE);
  await wizard.getByLabel("Filter backups by name").fill("pre-upgrade-e2e");
  const candidate = wizard.locator(`[data-backup-id="${backupId}"]`);
  await expect(candidate).toBeVisible({ timeout: 30_000 });
  await expect(candidate).toContainText("pre-upgrade-e2e");
  await candidate.getByRole("radio").check();
  await shot(page, "restores-choose-1280");

  // 2. Preflight without "drop and replace": the target holds data, so it cannot go ahead.
  await wizard.getByRole("button", { name: "Run the preflight" }).click();
  const checks = wizard.getByTestId("preflight-checks");
  await expect(checks.locator('[data-check="target-empty"]')).toHaveAttribute("data-result", "needs_choice", { timeout: 90_000 });
  await expect(checks.locator('[data-check="target-empty"]')).toContainText("not empty");
  await expect(wizard.getByTestId("restore-confirm")).toHaveCount(0);
  await expect(wizard.getByTestId("preflight-blocked")).toBeVisible();

  // With "drop and replace": every check shown, each passed (or a note), none blocking.
  await wizard.getByLabel(/Drop and replace/).check();
  await expect(checks).toHaveCount(0); // a preflight counts only for the choice it was made for
  await wizard.getByRole("button", { name: "Run the preflight" }).click();
  await expect(checks.locator('[data-check="target-empty"]')).toHaveAttribute("data-result", "warn", { timeout: 90_000 });
  const expected = ["manifest", "engine", "encryption-key", "reachable", "version", "database-name", "checksums", "readable", "disk-backup", "disk-restore", "target-empty", "dependents", "idle"];
  const shown = await checks.locator("[data-check]").evaluateAll((items) => items.map((i) => [i.getAttribute("data-check"), i.getAttribute("data-result")]));
  expect(shown.map(([key]) => key)).toEqual(expect.arrayContaining(expected));
  for (const [key, result] of shown) expect(["ok", "warn"], `check ${key}`).toContain(result);
  await expect(checks.locator('[data-check="checksums"]')).toHaveAttribute("data-result", "ok");
  await expect(checks.locator('[data-check="readable"]')).toContainText("pg_restore --list");
  await expect(checks.locator('[data-check="dependents"]')).toContainText("restore-app");

  // 3. The plan: ordered steps with the exact commands, the password masked.
  const plan = wizard.getByTestId("restore-plan");
  await expect(plan).toContainText("Safety backup");
  await expect(plan).toContainText("Stop dependents: restore-app");
  await expect(plan).toContainText("pg_restore");
  await expect(plan).toContainText("--clean");
  await expect(plan).toContainText("--if-exists");
  await expect(plan).toContainText("PGPASSWORD=••••••");
  expectNoPassword(await page.content(), "the preflight and plan");
  await shot(page, "restores-preflight-1280");

  // The dry run is recorded (with its plan) and changes nothing: same data, same app container.
  const appBefore = await appState();
  await wizard.getByRole("button", { name: /Dry run/ }).click();
  await expect(wizard.getByRole("status").filter({ hasText: "Dry run recorded" })).toBeVisible({ timeout: 90_000 });
  const dry = await e2eQuery<{ id: string; status: string; steps: number; requested_by_email: string }>(
    "select id, status, jsonb_array_length(plan->'steps') as steps, requested_by_email from restore_runs where kind = 'dry_run' and service = 'restore-db' and backup_id = $1",
    [backupId],
  );
  expect(dry).toEqual([expect.objectContaining({ status: "planned", requested_by_email: email })]);
  expect(dry[0]!.steps).toBeGreaterThanOrEqual(6);
  expect(await fingerprint()).toBe(damaged);
  expect(await appState()).toEqual(appBefore);
  const dryAudit = await e2eQuery<{ action: string; outcome: string }>("select action, outcome from audit_events where action like 'restore.dry_run%' and actor_email = $1 order by seq", [email]);
  expect(dryAudit.map((r) => [r.action, r.outcome])).toEqual([
    ["restore.dry_run", "started"],
    ["restore.dry_run.result", "succeeded"],
    ["restore.dry_run", "succeeded"],
  ]);
  await expect(page.getByTestId("restore-history").getByRole("link", { name: "Dry run of restore-db" })).toBeVisible();
  // Its page: the checks and the plan as recorded, and what a dry run is.
  const dryPage = await page.context().newPage();
  await dryPage.goto(`/restores/${dry[0]!.id}`);
  await expect(dryPage.getByRole("heading", { level: 1, name: "Dry run of restore-db" })).toBeVisible();
  await expect(dryPage.getByTestId("dry-run-note")).toContainText("nothing was changed");
  await expect(dryPage.getByTestId("restore-plan")).toContainText("pg_restore");
  await shot(dryPage, "restores-dry-run-1280");
  await dryPage.close();

  // 4. Confirm: typed service name and a reason; the last MFA proof is 10 minutes old → TOTP step-up.
  await e2eQuery("update user_sessions set mfa_at = now() - interval '10 minutes' where user_id = (select id from users where email = $1)", [email]);
  const confirm = wizard.getByTestId("restore-confirm");
  const go = confirm.getByRole("button", { name: `Restore ${SERVICE} now` });
  await expect(go).toBeDisabled();
  await confirm.getByLabel(`Type ${SERVICE} to confirm`).fill(SERVICE);
  await confirm.getByLabel("Reason").fill("e2e: orders lost after the 1.43 upgrade");
  await expect(go).toBeEnabled();
  await go.click();
  const code = confirm.getByLabel("Authenticator code");
  await expect(code).toBeVisible({ timeout: 30_000 });
  await expect(confirm.getByTestId("mfa-step-up")).toContainText("5 minutes");
  expect(await e2eQuery("select id from restore_runs where kind = 'restore' and requested_by_email = $1", [email])).toEqual([]);
  await shot(page, "restores-confirm-mfa-1280");

  // Hold the app unhealthy after its restart, so the run stays in its last step while we watch.
  await execIn(stack.get("app").container, ["touch", APP_HOLD_FILE]);
  await code.fill(await freshTotp(manualKey));
  await confirm.getByRole("button", { name: "Verify and restore" }).click();

  // 5. Execute: the run page, live.
  await expect(page).toHaveURL(/\/restores\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const runId = page.url().split("/").pop()!;
  restored = { runId, damaged, known };
  const run = page.getByTestId("restore-run");
  await expect(run).toHaveAttribute("data-hydrated", "true", { timeout: 30_000 });
  await expect(run.locator('[data-step="wait-healthy"]')).toHaveAttribute("data-step-status", "running", { timeout: 180_000 });
  await expect(run).toHaveAttribute("data-status", "running");
  await expect(run.getByRole("progressbar")).toBeVisible();
  await expect(run.locator('[data-step="restore"]')).toHaveAttribute("data-step-status", "succeeded");
  await expect(run.locator('[data-step="verify"]')).toHaveAttribute("data-step-status", "succeeded");
  await expect(run.locator('[data-step="safety-backup"]')).toContainText("pre-restore");
  await shot(page, "restores-running-1280");

  // It survives a reload: still running, same steps, read back from the stored run.
  await page.reload();
  await expect(run).toHaveAttribute("data-hydrated", "true", { timeout: 30_000 });
  await expect(run).toHaveAttribute("data-status", "running");
  await expect(run.locator('[data-step="wait-healthy"]')).toHaveAttribute("data-step-status", "running");
  await expect(run.locator('[data-step="stop-dependents"]')).toContainText(`${env.project}-app-1`);
  await expect(run.getByTestId("restore-progress")).toContainText("restored");

  // The data is back already (verified before the app starts); release the app, and the page finishes live.
  expect(await fingerprint()).toBe(known);
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  await execIn(stack.get("app").container, ["rm", "-f", APP_HOLD_FILE]);
  await expect(run).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

  // 6. The report: what ran, how long, the counts.
  const report = run.getByTestId("restore-report");
  await expect(report).toBeVisible();
  await expect(report.getByTestId("report-duration")).toContainText(/\d+ s|\d+ min/);
  await expect(report).toContainText("ledger.public.accounts");
  await expect(report).toContainText("ledger.public.invoices");
  await expect(report.locator('[data-verify="ledger.public.invoices rows"]')).toContainText("5,000");
  await expect(report.locator('[data-verify="ledger.public.accounts rows"]')).toContainText("2,000");
  await expect(report).toContainText(`${env.project}-app-1`);
  for (const step of ["safety-backup", "stop-dependents", "prepare", "restore", "verify", "start-dependents", "wait-healthy"]) {
    await expect(run.locator(`[data-step="${step}"]`)).toHaveAttribute("data-step-status", "succeeded");
  }
  await expect(run.getByTestId("rollback-offer")).toContainText("roll back to the safety backup"); // one click back to the safety backup
  expectNoPassword(await page.content(), "the run page");
  await shot(page, "restores-report-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(report).toBeVisible();
  await shot(page, "restores-report-390");

  // The data really came back, and the app runs again.
  expect(await fingerprint()).toBe(known);
  expect((await appState()).status).toBe("running");
  const stored = await e2eQuery<{ status: string; safety_backup_id: string; reason: string }>("select status, safety_backup_id, reason from restore_runs where id = $1", [runId]);
  expect(stored).toEqual([{ status: "succeeded", safety_backup_id: expect.stringMatching(/pre-restore$/), reason: "e2e: orders lost after the 1.43 upgrade" }]);
  const audit = await e2eQuery<{ action: string; outcome: string }>(
    "select action, outcome from audit_events where actor_email = $1 and action in ('restore.run', 'auth.mfa.step_up', 'restore.run.result') order by seq",
    [email],
  );
  expect(audit.map((r) => [r.action, r.outcome])).toEqual([
    ["restore.run", "started"],
    ["restore.run", "failed"], // MFA_REQUIRED: the proof was 10 minutes old
    ["auth.mfa.step_up", "started"],
    ["auth.mfa.step_up", "succeeded"],
    ["restore.run", "started"],
    ["restore.run", "succeeded"],
    ["restore.run.result", "succeeded"],
  ]);
  const rows = await e2eQuery<{ row: string }>("select row_to_json(a)::text as row from audit_events a where actor_email = $1", [email]);
  for (const r of rows) expectNoPassword(r.row, "the audit log");

  // In the history, with a link to the report; the wizard on a phone.
  await openRestores(page);
  await expect(page.getByTestId("restore-history").locator(`a[href="/restores/${runId}"]`)).toBeVisible();
  await page.getByTestId("restore-wizard").getByLabel("Service to restore into").selectOption(SERVICE);
  await expect(page.getByTestId("restore-wizard").locator(`[data-backup-id="${backupId}"]`)).toBeVisible({ timeout: 30_000 });
  await shot(page, "restores-390");
});

test("an admin undoes the restore from its report: the rollback restores the safety backup, which held the data as it was before", async ({ page }) => {
  expect(restored, "the restore of the wizard test (serial: it runs first)").not.toBeNull();
  const { runId, damaged, known } = restored!;
  await signInAsNewUser(page, "admin");
  await page.goto(`/restores/${runId}`);
  const run = page.getByTestId("restore-run");
  await expect(run).toHaveAttribute("data-hydrated", "true", { timeout: 30_000 });
  const offer = run.getByTestId("rollback-offer");
  await offer.getByText("roll back to the safety backup").click();
  const form = offer.getByTestId("rollback-form");
  await form.getByLabel(`Type ${SERVICE} to confirm`).fill(SERVICE);
  await form.getByLabel("Reason").fill("e2e: undo the restore");
  await form.getByRole("button", { name: "Roll back" }).click(); // MFA was proven at sign-in, a moment ago: no step-up
  await expect(page).toHaveURL((url) => /\/restores\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(runId), { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1, name: `Rollback of ${SERVICE}` })).toBeVisible();
  await expect(run).toHaveAttribute("data-status", "succeeded", { timeout: 180_000 });
  expect(await fingerprint()).toBe(damaged);
  expect(await fingerprint()).not.toBe(known);
  expect((await appState()).status).toBe("running");
});

test("an admin restores the uploads volume with the wizard: the path is emptied first, and every file of the backup is back", async ({ page }) => {
  await signInAsNewUser(page, "admin");
  const files = stack.get("files").container;
  const listing = () => execIn(files, ["/bin/sh", "-c", "cd /data/uploads && find . -mindepth 1 | sort | while read f; do if [ -d \"$f\" ]; then echo \"d $f\"; else echo \"f $f $(md5sum < \"$f\" | cut -c1-32)\"; fi; done"]);
  await execIn(files, ["/bin/sh", "-c", "mkdir -p /data/uploads/avatars && echo ada > /data/uploads/avatars/ada.png && head -c 200000 /dev/urandom > /data/uploads/export.bin"]);
  const known = await listing();
  const backupId = await takeBackup(page, "uploads-e2e", "restore-files");
  await execIn(files, ["/bin/sh", "-c", "rm /data/uploads/avatars/ada.png && echo stray > /data/uploads/stray.txt"]);
  expect(await listing()).not.toBe(known);

  await openRestores(page);
  const wizard = page.getByTestId("restore-wizard");
  await wizard.getByLabel("Service to restore into").selectOption("restore-files");
  await wizard.getByLabel("Filter backups by name").fill("uploads-e2e");
  await wizard.locator(`[data-backup-id="${backupId}"]`).getByRole("radio").check();
  await wizard.getByLabel(/Drop and replace/).check();
  await expect(wizard).toContainText("the path is emptied first");
  await wizard.getByRole("button", { name: "Run the preflight" }).click();
  const checks = wizard.getByTestId("preflight-checks");
  await expect(checks.locator('[data-check="target-empty"]')).toHaveAttribute("data-result", "warn", { timeout: 90_000 });
  await expect(checks.locator('[data-check="target-empty"]')).toContainText("/data/uploads is emptied first");
  await expect(checks.locator('[data-check="readable"]')).toContainText("tar header present");
  await expect(checks.locator('[data-check="empty-path"]')).toHaveAttribute("data-result", "ok");
  const plan = wizard.getByTestId("restore-plan");
  await expect(plan).toContainText("Empty /data/uploads (drop and replace)");
  await expect(plan).toContainText(`find /data/uploads -mindepth 1 -maxdepth 1 -exec rm -rf "{}" +`);
  await expect(plan).toContainText("PUT /containers/{id}/archive?path=/data");
  await shot(page, "restores-volume-preflight-1280");

  const confirm = wizard.getByTestId("restore-confirm");
  await confirm.getByLabel("Type restore-files to confirm").fill("restore-files");
  await confirm.getByLabel("Reason").fill("e2e: an avatar was deleted by mistake");
  await confirm.getByRole("button", { name: "Restore restore-files now" }).click();
  await expect(page).toHaveURL(/\/restores\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const run = page.getByTestId("restore-run");
  await expect(run).toHaveAttribute("data-status", "succeeded", { timeout: 180_000 });
  const report = run.getByTestId("restore-report");
  await expect(report.locator('[data-verify="/data/uploads: entries of the backup present"]')).toBeVisible();
  await expect(run.locator('[data-step="prepare"]')).toContainText("removed");
  await shot(page, "restores-volume-report-1280");
  expect(await listing()).toBe(known); // the deleted avatar is back, the stray file gone
});

test("an operator has no Restores entry, gets the forbidden page, and a direct call of the restore action is denied and audited", async ({ page, baseURL }) => {
  const { email } = await signInAsNewUser(page, "operator");
  await expect(page.getByRole("link", { name: "Dashboard" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Restores" })).toHaveCount(0);

  const response = await page.goto("/restores");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expect(page.getByTestId("restore-wizard")).toHaveCount(0);

  const before = await fingerprint();
  const appBefore = await appState();
  // Only this service's runs: e2e/sso.spec.ts adds a run of its own for another service, in parallel.
  const runsBefore = (await e2eQuery<{ n: number }>("select count(*)::int as n from restore_runs where service = $1", [SERVICE]))[0]!.n;
  const call = await page.request.post("/restores", {
    headers: { "Next-Action": serverActionId("startRestore"), Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8", Origin: baseURL! },
    data: JSON.stringify([{ service: SERVICE, backupId: `${env.project}/restore-db/20260101T000000000Z-x`, dropAndReplace: true, acceptDatabaseMismatch: false, confirmService: SERVICE, reason: "operator trying a restore" }]),
  });
  const body = await call.text();
  expect(body).toContain('"ok":false');
  expect(body).toContain('"code":"FORBIDDEN"');
  const denied = await e2eQuery<{ action: string; outcome: string }>("select action, outcome from audit_events where actor_email = $1 and action like 'restore.%' order by seq", [email]);
  expect(denied.map((r) => [r.action, r.outcome])).toEqual([["restore.run", "denied"]]);
  expect((await e2eQuery<{ n: number }>("select count(*)::int as n from restore_runs where service = $1", [SERVICE]))[0]!.n).toBe(runsBefore);
  expect(await fingerprint()).toBe(before);
  expect(await appState()).toEqual(appBefore);
});
