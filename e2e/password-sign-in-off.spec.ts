/**
 * Password sign-in turned off (OPSDECK_PASSWORD_SIGNIN=off) in a browser. The shared e2e console has password
 * sign-in on, so this spec starts a console of its own (port base + 8, a fresh data dir with its embedded
 * Postgres) and a test IdP of its own (port base + 9, e2e/fixtures/oidc-idp.ts), configured with the
 * one-provider shorthand (OPSDECK_OIDC_ISSUER …), and stops both at the end.
 *
 * The sign-in page offers only single sign-on; the break-glass form (/sign-in?break-glass=1) refuses a normal
 * admin (audited denied); after `break-glass enable` on the server, that admin signs in with password + TOTP
 * and every admin sees the red banner; `break-glass disable` ends it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { startTestIdp, type TestIdp } from "./fixtures/oidc-idp";
import { E2E_PASSWORD, freshTotp, uniqueEmail } from "./helpers/identity";

test.describe.configure({ mode: "serial", timeout: 120_000 });

const PORT = Number(process.env.OPSDECK_E2E_PORT ?? 3210) + 8;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const IDP_PORT = PORT + 1;
const IDP_SECRET = `pwoff-${process.pid}-${Date.now().toString(36)}-idp-client-secret`;
const SSO_ADMIN_EMAIL = "first-admin-sso@idp.e2e.example.com";
const OFF_MESSAGE = "Password sign-in is turned off on this console. Sign in with single sign-on instead.";

let server: ChildProcess | undefined;
let idp: TestIdp | undefined;
let dataDir = "";
let serverOutput = "";

const run = promisify(execFile);

/** A command against this spec's console (its data dir), never whatever DATABASE_URL the shell has. */
async function tsx(args: string[], stdin?: string): Promise<string> {
  const { DATABASE_URL: _db, NEXTAUTH_SECRET: _secret, ...inherited } = process.env;
  const child = run("node_modules/.bin/tsx", args, { env: { ...inherited, OPSDECK_DATA_DIR: dataDir } as NodeJS.ProcessEnv, timeout: 60_000 });
  if (stdin !== undefined) child.child.stdin?.end(stdin);
  return (await child).stdout;
}
const opsdeck = (args: string[], stdin?: string) => tsx(["scripts/opsdeck.ts", ...args], stdin);

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const credentials = JSON.parse(readFileSync(path.join(dataDir, "postgres-credentials.json"), "utf8")) as { user: string; password: string; database: string };
  const port = readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[3]!.trim();
  const client = new pg.Client({ host: "127.0.0.1", port: Number(port), user: credentials.user, password: credentials.password, database: credentials.database });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null };
const auditFor = (email: string) =>
  query<AuditRow>("select action, outcome, params from audit_events where action like 'auth.%' and params->>'email' = $1 order by seq", [email]);

async function waitForHealth(deadlineMs: number) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`The password-off console exited (${server.exitCode}):\n${serverOutput}`);
    try {
      if ((await fetch(`${ORIGIN}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The password-off console did not answer /api/health with 200 within ${deadlineMs / 1000} s:\n${serverOutput}`);
}

test.beforeAll(async () => {
  test.setTimeout(150_000);
  dataDir = mkdtempSync(path.join(tmpdir(), "opsdeck-e2e-password-off-"));
  idp = await startTestIdp({
    port: IDP_PORT,
    clientId: "opsdeck-pwoff",
    clientSecret: IDP_SECRET,
    redirectUris: [`${ORIGIN}/api/auth/oidc/testidp/callback`],
    accounts: { root: { email: SSO_ADMIN_EMAIL, name: "Rita Root", groups: ["ops-admins"] } },
  });
  server = spawn("node_modules/.bin/tsx", ["server.ts"], {
    env: {
      NODE_ENV: "production",
      PORT: String(PORT),
      OPSDECK_HOST: "127.0.0.1",
      OPSDECK_DATA_DIR: dataDir,
      OPSDECK_PASSWORD_SIGNIN: "off",
      // The one-provider shorthand (README "Single sign-on"), with its own IdP.
      OPSDECK_OIDC_ISSUER: `http://127.0.0.1:${IDP_PORT}`,
      OPSDECK_OIDC_CLIENT_ID: "opsdeck-pwoff",
      OPSDECK_OIDC_CLIENT_SECRET: IDP_SECRET,
      OPSDECK_OIDC_ID: "testidp",
      OPSDECK_OIDC_NAME: "Test IdP",
      OPSDECK_OIDC_SCOPES: "openid email profile groups",
      OPSDECK_OIDC_ROLE_MAPPING: "ops-admins=admin",
      OPSDECK_OIDC_TRUST_MFA: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    serverOutput = (serverOutput + chunk.toString("utf8")).slice(-20_000);
  };
  server.stdout?.on("data", keep);
  server.stderr?.on("data", keep);
  await waitForHealth(120_000);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise<void>((resolve) => server!.once("exit", () => resolve()));
    server.kill("SIGTERM"); // the console stops its embedded Postgres on SIGTERM
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30_000))]);
    if (timedOut) server.kill("SIGKILL");
  }
  await idp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function fillPasswordForm(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a fresh console with password sign-in off points to single sign-on, not to a password", async ({ page }) => {
  await page.goto(`${ORIGIN}/sign-in`);
  await expect(page.getByText("This console has no accounts yet.")).toBeVisible();
  await expect(page.getByText(/Sign in with single sign-on: the first person in a group the identity provider maps to admin becomes an admin/)).toBeVisible();
  await expect(page.locator('input[type="password"]')).toHaveCount(0);
});

test("the sign-in page shows only single sign-on; the break-glass form refuses a normal admin's correct password, audited", async ({ page }) => {
  const email = uniqueEmail("admin-pwoff");
  await opsdeck(["users", "create", "--email", email, "--role", "admin", "--password-stdin"], E2E_PASSWORD);

  await page.goto(`${ORIGIN}/sign-in`);
  await expect(page.getByRole("link", { name: "Sign in with Test IdP" })).toBeVisible();
  await expect(page.getByTestId("password-sign-in-off")).toHaveText("Password sign-in is turned off on this console.");
  await expect(page.locator('input[type="password"]')).toHaveCount(0);
  await expect(page.getByLabel("Email")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Continue" })).toHaveCount(0);
  await page.screenshot({ path: "e2e/screenshots/sign-in-password-off-1280.png", fullPage: true });

  await page.goto(`${ORIGIN}/sign-in?break-glass=1`);
  await expect(page.getByText("Break-glass sign-in", { exact: true })).toBeVisible();
  await fillPasswordForm(page, email);
  await expect(page.getByRole("alert").filter({ hasText: OFF_MESSAGE })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\?break-glass=1$/);

  const rows = await auditFor(email);
  expect(rows.filter((r) => r.action === "auth.signin")).toEqual([
    { action: "auth.signin", outcome: "denied", params: expect.objectContaining({ reason: "password_sign_in_disabled", step: "password" }) },
  ]);
  expect(await query("select 1 from mfa_challenges c join users u on u.id = c.user_id where u.email = $1", [email])).toEqual([]);
});

test("with a break-glass window opened on the server, that admin signs in with password + TOTP and sees the banner", async ({ page }) => {
  const email = uniqueEmail("breakglass");
  await opsdeck(["users", "create", "--email", email, "--role", "admin", "--password-stdin"], E2E_PASSWORD);
  // Enrolled while password sign-in was on, as a real break-glass admin would be (see the fixture).
  const totpKey = (await tsx(["e2e/fixtures/break-glass/enrol-totp.ts", email])).trim();

  // Before the window: refused like everyone else.
  await page.goto(`${ORIGIN}/sign-in?break-glass=1`);
  await fillPasswordForm(page, email);
  await expect(page.getByRole("alert").filter({ hasText: OFF_MESSAGE })).toBeVisible();

  const enabled = await opsdeck(["break-glass", "enable", "--email", email, "--minutes", "15"]);
  expect(enabled).toContain(`BREAK-GLASS window open for ${email}`);
  expect(await opsdeck(["break-glass", "status"])).toContain(email);

  await page.goto(`${ORIGIN}/sign-in?break-glass=1`);
  await fillPasswordForm(page, email);
  await expect(page).toHaveURL(/\/sign-in\/mfa/);
  await page.getByLabel("Authentication code").fill(await freshTotp(totpKey));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const banner = page.getByTestId("break-glass-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("Break-glass access is open");
  await expect(banner).toContainText(email);
  await page.screenshot({ path: "e2e/screenshots/break-glass-banner-1280.png" });
  // Admin → Single sign-on says so too: password sign-in off, and whose window is open until when.
  await page.goto(`${ORIGIN}/admin/sso`);
  await expect(page.getByText(/^Off: only single sign-on/)).toBeVisible();
  await expect(page.getByTestId("break-glass-open")).toContainText(`Open for ${email} until`);

  const rows = await auditFor(email);
  expect(rows).toContainEqual({ action: "auth.break_glass.enable", outcome: "succeeded", params: expect.objectContaining({ via: "cli", minutes: 15 }) });
  expect(rows).toContainEqual({ action: "auth.break_glass.used", outcome: "succeeded", params: expect.objectContaining({ breakGlass: true }) });
  expect(rows.filter((r) => r.action === "auth.signin").at(-1)).toMatchObject({ outcome: "succeeded", params: { breakGlass: true, method: "totp" } });

  // Closing the window ends the session it opened, and the password is refused again.
  expect(await opsdeck(["break-glass", "disable", "--email", email])).toContain("their sessions ended");
  await page.goto(`${ORIGIN}/dashboard`);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${ORIGIN}/sign-in?break-glass=1`);
  await fillPasswordForm(page, email);
  await expect(page.getByRole("alert").filter({ hasText: OFF_MESSAGE })).toBeVisible();
});

test("with password sign-in off, a member of the IdP's admin group signs in through single sign-on and is an admin", async ({ page }) => {
  await page.goto(`${ORIGIN}/sign-in`);
  await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp!.issuer}/interaction/`));
  await page.getByLabel("Account").fill("root");
  await page.getByLabel("AMR").fill("pwd,hwk"); // a security key: the IdP proved MFA
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("button", { name: new RegExp(SSO_ADMIN_EMAIL.replace(/[.]/g, "\\.")) })).toContainText("Admin");
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();

  const rows = await auditFor(SSO_ADMIN_EMAIL);
  expect(rows.filter((r) => r.action === "auth.signin").at(-1)).toMatchObject({ outcome: "succeeded", params: { method: "oidc", provider: "testidp", mfa: "idp", role: "admin" } });
});
