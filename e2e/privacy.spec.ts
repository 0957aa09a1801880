/**
 * Privacy verification in Chromium. The e2e console's config (e2e/fixtures/dashboard/opsdeck.e2e.yaml)
 * has one privacy stack: the PostHog API at a local stand-in this spec serves (no PostHog server can run
 * here; lib/privacy/testing/posthog-standin.ts implements the documented endpoints and shapes) and the
 * deployment configuration of a PostHog-like `web` container this spec starts (startFixtureStack).
 *
 * An operator runs the checks and sees the failures with their evidence (anonymize_ips off, a short
 * SECRET_KEY and an http SITE_URL — named, never shown); the fixture is fixed (setting on, container
 * recreated with a good environment); a re-run passes and the timeline shows both runs; switching the
 * setting off again flips the check from pass, ringed on the page. An auditor opens
 * the evidence report and downloads its JSON, signed with the audit-chain hash of its own export row.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { ensureDockerEngine } from "./fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "./fixtures/docker/fixture-stack";
import { privacyFixtureEnv } from "./fixtures/privacy/env";
import { completeEnrolment, E2E_PASSWORD, e2eQuery, enterPassword, opsdeckCli, signInAsNewUser, uniqueEmail } from "./helpers/identity";
import { startPosthogStandin, type PosthogStandin } from "../lib/privacy/testing/posthog-standin";

test.describe.configure({ mode: "serial", timeout: 180_000 });

const env = privacyFixtureEnv(Number(process.env.OPSDECK_E2E_PORT ?? 3210));
const BAD_SECRET = "tiny-secret-e2e-9f3a";
const GOOD_SECRET = "e2e-good-secret-key-0123456789abcdef-XYZ";
const idle = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];

let standin: PosthogStandin;
let stack: FixtureStack | undefined;

async function startWeb(environment: Record<string, string>) {
  const engine = await ensureDockerEngine();
  await stack?.teardown();
  stack = await startFixtureStack(engine.docker, { project: env.project, services: [{ service: "web", cmd: idle, networkMode: "none", env: environment }] });
}

test.beforeAll(async () => {
  standin = await startPosthogStandin({
    port: env.apiPort,
    state: { apiKey: env.apiKey, anonymizeIps: false, hogFunctions: [{ id: "geo", name: "GeoIP", enabled: false, template_id: "template-geoip" }], events: { total: 12, withIp: 0, withGeoip: 0, withoutGeoipDisable: 0, sampleUuids: [] } },
  });
  await startWeb({ SECRET_KEY: BAD_SECRET, SITE_URL: "http://posthog.e2e.example", DISABLE_SECURE_SSL_REDIRECT: "false" });
});

test.afterAll(async () => {
  await stack?.teardown();
  await standin?.close();
});

function expectNoSecrets(text: string, where: string) {
  for (const [name, value] of Object.entries({ BAD_SECRET, GOOD_SECRET, apiKey: env.apiKey, apiToken: standin.state.apiToken, secretApiToken: standin.state.secretApiToken })) {
    expect(text.includes(value), `${name} in ${where}`).toBe(false);
  }
}

const check = (page: Page, key: string) => page.getByTestId(`check-posthog-${key}`);

test("an operator runs the checks, sees the failures with their evidence, fixes the fixture, re-runs and sees them pass", async ({ page }) => {
  await signInAsNewUser(page, "operator");
  await page.goto("/privacy");
  await expect(page.getByRole("heading", { level: 1, name: "Privacy" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "PostHog (e2e)" })).toBeVisible();
  await expect(check(page, "anonymize_ips")).toHaveAttribute("data-status", "none");

  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("run-message-posthog")).toContainText("4 checks ran: 2 passed, 2 failed", { timeout: 60_000 });
  await expect(check(page, "anonymize_ips")).toHaveAttribute("data-status", "fail");
  await expect(check(page, "anonymize_ips").getByTestId("summary")).toContainText("anonymize_ips: false");
  await expect(check(page, "deployment_config")).toHaveAttribute("data-status", "fail");
  await expect(check(page, "deployment_config").getByTestId("summary")).toContainText(`${env.project}-web-1: SECRET_KEY is shorter than 32 characters`);
  await expect(check(page, "deployment_config").getByTestId("summary")).toContainText("SITE_URL is not an https URL");
  await check(page, "deployment_config").getByText("Evidence").click();
  await expect(check(page, "deployment_config").getByTestId("evidence")).toContainText('"variable": "SECRET_KEY"');
  await expect(check(page, "geoip_disabled")).toHaveAttribute("data-status", "pass");
  await expect(check(page, "recent_events")).toHaveAttribute("data-status", "pass");
  expectNoSecrets(await page.content(), "the privacy page after the failing run");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: "e2e/screenshots/privacy-1280.png", fullPage: true });

  // Fix: turn "Discard client IP data" on, and recreate the web container with a good environment.
  standin.state.anonymizeIps = true;
  await startWeb({ SECRET_KEY: GOOD_SECRET, SITE_URL: "https://posthog.e2e.example", DISABLE_SECURE_SSL_REDIRECT: "false" });

  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("run-message-posthog")).toContainText("4 checks ran: 4 passed, 0 failed", { timeout: 60_000 });
  for (const key of ["anonymize_ips", "geoip_disabled", "recent_events", "deployment_config"]) await expect(check(page, key)).toHaveAttribute("data-status", "pass");
  const timeline = check(page, "anonymize_ips").getByTestId("timeline");
  await expect(timeline.locator("li")).toHaveCount(2);
  await expect(timeline.locator("li").first()).toHaveAttribute("data-status", "fail");
  await expect(timeline.locator("li").last()).toHaveAttribute("data-status", "pass");
  expectNoSecrets(await page.content(), "the privacy page after the passing run");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: "e2e/screenshots/privacy-pass-1280.png", fullPage: true });

  // The setting is switched off again: the check flips from pass, and the page rings it.
  standin.state.anonymizeIps = false;
  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("run-message-posthog")).toContainText("4 checks ran: 3 passed, 1 failed", { timeout: 60_000 });
  await expect(check(page, "anonymize_ips")).toHaveAttribute("data-status", "fail");
  await expect(check(page, "anonymize_ips").getByTestId("flipped")).toHaveText("Flipped from pass");
  await expect(check(page, "anonymize_ips").getByTestId("timeline").locator('li[data-flipped="true"]')).toHaveCount(1);
  await expect(check(page, "deployment_config").getByTestId("flipped")).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: "e2e/screenshots/privacy-flip-1280.png", fullPage: true });

  // Both runs are audited, with the operator; no secret is in the audit rows or stored evidence.
  const audit = await e2eQuery<{ outcome: string }>("select outcome from audit_events where action = 'privacy.run' order by seq");
  expect(audit.map((r) => r.outcome)).toEqual(["started", "succeeded", "started", "succeeded", "started", "succeeded"]);
  const stored = await e2eQuery<{ t: string }>("select concat_ws(' ', summary, evidence::text) as t from privacy_check_results union all select concat_ws(' ', params::text, error) from audit_events");
  expectNoSecrets(stored.map((r) => r.t).join("\n"), "stored results and audit rows");
});

test("an auditor opens the evidence report and downloads it as JSON, signed with the audit-chain hash", async ({ page }) => {
  const email = uniqueEmail("auditor");
  await opsdeckCli(["users", "create", "--email", email, "--role", "auditor", "--password-stdin"], E2E_PASSWORD);
  await enterPassword(page, email);
  await completeEnrolment(page, /\/audit$/);
  await page.goto("/privacy");
  await expect(page.getByRole("button", { name: "Run now" })).toHaveCount(0);
  await page.getByRole("link", { name: "Evidence report" }).click();
  await expect(page).toHaveURL(/\/privacy\/report$/);
  const report = page.getByTestId("privacy-report");
  await expect(report.getByTestId("report-row")).toHaveCount(12);
  await expect(report.locator('[data-testid="report-row"][data-status="fail"]')).toHaveCount(3);
  await expect(report.getByText("flipped from pass")).toHaveCount(1);
  const hash = (await report.getByTestId("chain-hash").innerText()).trim();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expectNoSecrets(await page.content(), "the evidence report");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("report-json").click()]);
  expect(download.suggestedFilename()).toMatch(/^opsdeck-privacy-evidence-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.json$/);
  const text = readFileSync((await download.path())!, "utf8");
  expectNoSecrets(text, "the JSON report");
  const json = JSON.parse(text) as { totals: { results: number; fail: number }; auditChain: { seq: string; hash: string }; signature: { value: string }; generatedBy: string };
  expect(json).toMatchObject({ totals: { results: 12, fail: 3, flips: 1 }, generatedBy: email });
  const row = await e2eQuery<{ hash: string; action: string; actor_email: string }>("select hash, action, actor_email from audit_events where seq = $1", [json.auditChain.seq]);
  expect(row[0]).toEqual({ hash: json.auditChain.hash, action: "privacy.report.export", actor_email: email });
});
