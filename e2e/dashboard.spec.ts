/**
 * The health dashboard and container page in Chromium, against the real Docker engine the e2e
 * console watches: one small labelled container ("app", a compose-like project of its own, with
 * a health check and secrets in its environment) started for this file.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_METRICS_TOKEN } from "./fixtures/dashboard/metrics-token";
import { ensureDockerEngine } from "./fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "./fixtures/docker/fixture-stack";
import { e2eQuery, signInAsNewUser } from "./helpers/identity";

test.describe.configure({ mode: "serial", timeout: 120_000 });

const SECRETS = {
  SECRET_KEY: `e2e-sk-${randomBytes(16).toString("hex")}`,
  DATABASE_URL: `postgresql://app:pw-${randomBytes(12).toString("hex")}@127.0.0.1:1/app`,
  SITE_URL: `https://app-${randomBytes(6).toString("hex")}.example.com`,
};

// The app: ready (health check passes) a second after each start; stops at once on SIGTERM.
const APP_SCRIPT = `trap 'echo "app: stopping"; exit 0' TERM INT
rm -f /tmp/ready
echo "app: starting"
sleep 1
touch /tmp/ready
echo "app: ready"
while true; do sleep 1 & wait $!; done`;

let stack: FixtureStack;
let id: string;
let name: string;

test.beforeAll(async () => {
  const engine = await ensureDockerEngine();
  stack = await startFixtureStack(engine.docker, {
    project: `opsdeck-e2e-${randomBytes(3).toString("hex")}`,
    services: [
      {
        service: "app",
        cmd: ["/bin/sh", "-c", APP_SCRIPT],
        env: SECRETS,
        networkMode: "none",
        healthcheck: { test: ["/bin/sh", "-c", "test -f /tmp/ready"], intervalMs: 500, timeoutMs: 2_000, retries: 3 },
      },
    ],
  });
  await stack.waitHealthy(30_000);
  ({ id, name } = stack.get("app"));
});

test.afterAll(async () => {
  await stack?.teardown();
});

function expectNoSecrets(text: string, where: string) {
  for (const [key, value] of Object.entries(SECRETS)) expect(text.includes(value), `${key}'s value in ${where}`).toBe(false);
}

test("an operator sees the container on the dashboard, restarts it with a reason, follows it back to healthy; the restart is audited", async ({ page }) => {
  await signInAsNewUser(page, "operator");
  const row = page.locator(`[data-container="${name}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByText("Healthy", { exact: true })).toBeVisible();
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
  await expect(row.getByRole("img", { name: /CPU over the last 15 minutes/ })).toBeVisible({ timeout: 15_000 });

  const api = await page.request.get("/api/v1/containers");
  expect(api.status()).toBe(200);
  expectNoSecrets(await api.text(), "/api/v1/containers");

  await row.getByRole("link", { name: "app" }).click();
  await expect(page).toHaveURL(new RegExp(`/containers/${id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "app" })).toBeVisible();
  await expect(page.getByTestId("container-live")).toHaveAttribute("data-health", "healthy");
  await expect(page.getByTestId("env-keys")).toContainText("SECRET_KEY");
  expectNoSecrets(await page.content(), "the container page");
  const html = await page.request.get(`/containers/${id}`);
  expectNoSecrets(await html.text(), "the container page's HTML");

  const startedBefore = (await stack.get("app").container.inspect()).State.StartedAt;
  await page.getByTestId("container-controls").getByRole("button", { name: "Restart", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: /Restart container/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Restart app" })).toBeDisabled();
  await dialog.getByLabel("Reason").fill("e2e: app stuck, restarting");
  await page.screenshot({ path: "e2e/screenshots/container-restart-dialog-1280.png" });
  await dialog.getByRole("button", { name: "Restart app" }).click();
  await expect(page.getByTestId("control-following")).toBeVisible();
  await expect(page.getByTestId("control-result")).toHaveAttribute("data-ok", "true", { timeout: 60_000 });
  await expect(page.getByTestId("control-result")).toContainText("healthy again");
  await expect(page.getByTestId("container-live")).toHaveAttribute("data-health", "healthy");
  expect(Date.parse((await stack.get("app").container.inspect()).State.StartedAt)).toBeGreaterThan(Date.parse(startedBefore));

  const rows = await e2eQuery<{ outcome: string; params: { reason: string } }>(
    "select outcome, params from audit_events where action = 'container.restart' and resource_id = $1 order by seq",
    [id],
  );
  expect(rows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
  expect(rows[0]!.params.reason).toBe("e2e: app stuck, restarting");
  const audit = await e2eQuery<{ row: string }>("select row_to_json(a)::text as row from audit_events a");
  for (const r of audit) expectNoSecrets(r.row, "the audit log");
});

test("an operator restarts the whole app service with a reason from the container page, follows it back to healthy; service.restart is audited", async ({ page }) => {
  await signInAsNewUser(page, "operator");
  await page.setViewportSize({ width: 390, height: 844 }); // on a phone, as on-call staff often are
  await page.goto(`/containers/${id}`);
  await expect(page.getByTestId("container-live")).toHaveAttribute("data-health", "healthy", { timeout: 15_000 });
  const startedBefore = (await stack.get("app").container.inspect()).State.StartedAt;
  await page.getByTestId("container-controls").getByRole("button", { name: "Restart service", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: /Restart service/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`stack ${stack.project}`);
  await expect(dialog.getByRole("button", { name: "Restart service app" })).toBeDisabled();
  await dialog.getByLabel("Reason").fill("e2e: whole app service restart");
  await page.screenshot({ path: "e2e/screenshots/container-restart-service-dialog-390.png" });
  await dialog.getByRole("button", { name: "Restart service app" }).click();
  await expect(page.getByTestId("control-following")).toContainText("Restarting the service");
  await expect(page.getByTestId("control-result")).toHaveAttribute("data-ok", "true", { timeout: 60_000 });
  await expect(page.getByTestId("control-result")).toContainText("Restarted service app: 1 container healthy again");
  await expect(page.getByTestId("container-live")).toHaveAttribute("data-health", "healthy");
  await page.screenshot({ path: "e2e/screenshots/container-restart-service-done-390.png" });
  expect(Date.parse((await stack.get("app").container.inspect()).State.StartedAt)).toBeGreaterThan(Date.parse(startedBefore));

  const rows = await e2eQuery<{ outcome: string; resource_type: string; resource_id: string; params: { reason: string } }>(
    "select outcome, resource_type, resource_id, params from audit_events where action = 'service.restart' and resource_id like $1 order by seq",
    [`%/${stack.project}/app`],
  );
  expect(rows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
  expect(rows[0]).toMatchObject({ resource_type: "service", params: { reason: "e2e: whole app service restart" } });
});

/** The id Next.js gave a server action in this build (a server action is a public POST endpoint: anyone can call it with its id). */
function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { filename: string; exportedName: string }> };
  const found = Object.entries(manifest.node).find(([, a]) => a.filename === "app/(console)/containers/[id]/actions.ts" && a.exportedName === exportedName);
  if (!found) throw new Error(`server action ${exportedName} not in the build (run npm run build)`);
  return found[0];
}

test("a viewer calling the restart actions directly (container and service) is denied, nothing restarts, and both denials are audited", async ({ page, baseURL }) => {
  const { email } = await signInAsNewUser(page, "viewer");
  const startedBefore = (await stack.get("app").container.inspect()).State.StartedAt;
  const project = stack.project;
  const calls = [
    { action: "container.restart", exportedName: "restartContainer", input: { id, reason: "viewer trying a restart" } },
    { action: "service.restart", exportedName: "restartService", input: { engineId: "local", project, service: "app", reason: "viewer trying a restart" } },
  ];
  for (const call of calls) {
    const response = await page.request.post(`/containers/${id}`, {
      headers: { "Next-Action": serverActionId(call.exportedName), Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8", Origin: baseURL! },
      data: JSON.stringify([call.input]),
    });
    expect(response.status(), call.action).toBe(200);
    const body = await response.text();
    expect(body, call.action).toContain('"ok":false');
    expect(body, call.action).toContain('"code":"FORBIDDEN"');
    const audit = await e2eQuery<{ outcome: string }>("select outcome from audit_events where action = $1 and actor_email = $2 order by seq", [call.action, email]);
    expect(audit.map((r) => r.outcome), call.action).toEqual(["denied"]);
  }
  expect((await stack.get("app").container.inspect()).State.StartedAt).toBe(startedBefore);
});

test("a viewer sees the container but no restart, start or stop control", async ({ page }) => {
  await signInAsNewUser(page, "viewer");
  await expect(page.locator(`[data-container="${name}"]`)).toBeVisible({ timeout: 15_000 });
  await page.goto(`/containers/${id}`);
  await expect(page.getByRole("heading", { level: 1, name: "app" })).toBeVisible();
  await expect(page.getByTestId("container-live")).toBeVisible();
  await expect(page.getByTestId("container-controls")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Restart|Start|Stop)/ })).toHaveCount(0);
  await expect(page.getByTestId("logs-panel")).toBeVisible();
});

test("the logs panel follows the container live and shows a line the test wrote (stdout and stderr apart); the read is audited", async ({ page }) => {
  const { email } = await signInAsNewUser(page, "viewer");
  await page.goto(`/containers/${id}`);
  const logs = page.getByTestId("logs-panel");
  await logs.getByLabel("Follow live").check();
  await logs.getByRole("button", { name: "Show logs" }).click();
  await expect(page.getByTestId("logs-status")).toHaveAttribute("data-status", "following");
  const marker = `e2e-log-${Date.now()}`;
  const exec = async (script: string) => {
    const e = await stack.get("app").container.exec({ Cmd: ["/bin/sh", "-c", script], AttachStdout: true, AttachStderr: true });
    const stream = await e.start({});
    await new Promise((resolve) => stream.on("end", resolve).resume());
  };
  await exec(`echo "${marker} hello from stdout" > /proc/1/fd/1; echo "${marker} oops on stderr" > /proc/1/fd/2; echo "${marker} $SECRET_KEY" > /proc/1/fd/1`);
  const lines = page.getByTestId("log-lines");
  await expect(lines).toContainText(`${marker} hello from stdout`, { timeout: 15_000 });
  await expect(lines.locator('[data-stream="stderr"]', { hasText: `${marker} oops on stderr` })).toBeVisible();
  await expect(lines.locator('[data-stream="stdout"]', { hasText: `${marker} hello from stdout` })).toBeVisible();
  await expect(lines).toContainText(`${marker} ••••••`); // the container's secret, masked
  expectNoSecrets(await page.content(), "the logs panel");
  await logs.getByRole("button", { name: "Stop following" }).click();
  await expect(page.getByTestId("logs-status")).toHaveAttribute("data-status", "done");

  const started = await e2eQuery<{ outcome: string }>("select outcome from audit_events where action = 'logs.view' and resource_id = $1 and actor_email = $2 order by seq", [id, email]);
  expect(started[0]?.outcome).toBe("started");
  await expect
    .poll(async () => (await e2eQuery<{ outcome: string }>("select outcome from audit_events where action = 'logs.view' and resource_id = $1 and actor_email = $2 order by seq", [id, email])).map((r) => r.outcome), { timeout: 10_000 })
    .toEqual(["started", "succeeded"]);
});

test("the probes from the config answer on the dashboard; /metrics needs its bearer token", async ({ page, request }) => {
  await signInAsNewUser(page, "viewer");
  const probes = page.getByTestId("probes");
  await expect(probes.locator('[data-probe="Console health endpoint"]')).toHaveAttribute("data-status", "ok", { timeout: 20_000 });
  await expect(probes.locator('[data-probe="Console port"]')).toHaveAttribute("data-status", "ok");
  await expect(probes.locator('[data-probe="Console data disk"]')).toHaveAttribute("data-status", /ok|warn|critical/);

  expect((await request.get("/metrics")).status()).toBe(401);
  expect((await request.get("/metrics", { headers: { authorization: "Bearer wrong" } })).status()).toBe(401);
  const metrics = await request.get("/metrics", { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } });
  expect(metrics.status()).toBe(200);
  const text = await metrics.text();
  expect(text).toContain(`container="${name}"`);
  expect(text).toMatch(new RegExp(`opsdeck_container_health\\{[^}]*container="${name}"[^}]*health="healthy"\\} 1`));
  expect(text).toContain('opsdeck_probe_up{probe="Console port",type="tcp",service=""} 1');
  expectNoSecrets(text, "/metrics");
});

test("an unknown or invalid container id is a 404 page", async ({ page }) => {
  await signInAsNewUser(page, "viewer");
  for (const bad of ["ab".repeat(32), "not-a-container"]) {
    const response = await page.goto(`/containers/${bad}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "No such container" })).toBeVisible();
  }
});

test("the dashboard says so when its connection is lost; screenshots of the dashboard and the container page at 1280 and 390 wide", async ({ page }) => {
  const cspViolations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await signInAsNewUser(page, "operator");
  const row = page.locator(`[data-container="${name}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });
  const noOverflow = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/dashboard-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row).toBeVisible();
  await noOverflow();
  await page.screenshot({ path: "e2e/screenshots/dashboard-390.png", fullPage: true });
  // The health check's output opens from the status badge.
  await row.getByText("Healthy", { exact: true }).click();
  await expect(row.getByText(/Last health check/)).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/dashboard-health-popover-390.png" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));

  // The console stops answering: the figures stay, dimmed, under a visible banner.
  await page.route("**/api/v1/containers", (route) => route.abort("connectionrefused"));
  await expect(page.getByTestId("connection-lost")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "lost");
  await expect(row).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/dashboard-connection-lost-1280.png" });
  await page.unroute("**/api/v1/containers");
  await expect(page.getByTestId("connection-lost")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");

  await page.goto(`/containers/${id}`);
  await page.getByTestId("logs-panel").getByRole("button", { name: "Show logs" }).click();
  await expect(page.getByTestId("logs-status")).toHaveAttribute("data-status", "done");
  await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page draws the sticky header mid-page
  await page.screenshot({ path: "e2e/screenshots/container-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await noOverflow();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: "e2e/screenshots/container-390.png", fullPage: true });
  expect(cspViolations).toEqual([]);
});
