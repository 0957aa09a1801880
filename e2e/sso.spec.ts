/**
 * Single sign-on in a browser, against a real OpenID Provider (e2e/fixtures/oidc-idp.ts, panva's
 * oidc-provider) the spec starts on the fixed loopback port playwright.config.ts configured the console
 * with (OPSDECK_OIDC_PROVIDERS, provider "testidp", group "oncall" → operator, IdP MFA trusted).
 */
import { expect, test, type Page } from "@playwright/test";
import { startTestIdp, type TestIdp } from "./fixtures/oidc-idp";
import { e2eQuery } from "./helpers/identity";

type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null; error: string | null };

const ONCALL_EMAIL = "oncall-sso@idp.e2e.example.com";
const OUTSIDER_EMAIL = "outsider-sso@idp.e2e.example.com";

// Both tests share the one IdP on its fixed port: run them in one worker, one after the other.
test.describe.configure({ mode: "serial", timeout: 60_000 });

let idp: TestIdp | undefined;

/**
 * The console as a default install is opened: at its loopback address, without NEXTAUTH_URL. The SSO
 * routes build the redirect_uri from the browser's Host (lib/server/request-origin.ts) — Next's own
 * `nextUrl.origin` says "localhost" here, which once sent the browser back to a host without its flow cookie.
 */
function consoleOrigin(baseURL: string | undefined): string {
  return new URL(baseURL ?? "http://127.0.0.1:3210").origin;
}

test.beforeAll(async ({ baseURL }) => {
  const port = Number(process.env.OPSDECK_E2E_OIDC_IDP_PORT);
  const secret = process.env.OPSDECK_OIDC_TESTIDP_SECRET;
  if (!port || !secret) throw new Error("OPSDECK_E2E_OIDC_IDP_PORT / OPSDECK_OIDC_TESTIDP_SECRET are not set (playwright.config.ts sets them)");
  idp = await startTestIdp({
    port,
    clientId: "opsdeck-e2e",
    clientSecret: secret,
    redirectUris: [`${consoleOrigin(baseURL)}/api/auth/oidc/testidp/callback`],
    accounts: {
      oncall: { email: ONCALL_EMAIL, name: "Olive Oncall", groups: ["oncall"] },
      outsider: { email: OUTSIDER_EMAIL, name: "Otto Outsider", groups: ["marketing"] },
    },
  });
});

test.afterAll(async () => {
  await idp?.close();
});

const auditFor = (email: string) =>
  e2eQuery<AuditRow>("select action, outcome, params, error from audit_events where action = 'auth.signin' and params->>'email' = $1 order by seq", [email]);

/** At the test IdP's login page: the account and the `amr` values it proves. */
async function signInAtIdp(page: Page, account: string, amr: string) {
  await expect(page).toHaveURL(new RegExp(`^${idp!.issuer}/interaction/`));
  await page.getByLabel("Account").fill(account);
  await page.getByLabel("AMR").fill(amr);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an on-call user signs in with the identity provider and lands on the dashboard as an operator", async ({ page, baseURL }) => {
  await page.goto(`${consoleOrigin(baseURL)}/sign-in`);
  const sso = page.getByRole("link", { name: "Sign in with Test IdP" });
  await expect(sso).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/sign-in-sso-1280.png", fullPage: true });

  await sso.click();
  await signInAtIdp(page, "oncall", "pwd,mfa"); // the IdP proved MFA: no console TOTP step
  await expect(page).toHaveURL(/\/dashboard$/);

  const account = page.getByRole("button", { name: new RegExp(ONCALL_EMAIL.replace(/[.]/g, "\\.")) });
  await expect(account).toContainText("Operator");
  const nav = page.getByRole("navigation").first();
  await expect(nav.getByRole("link", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0); // admin-only
  await expect(page.getByRole("link", { name: "Restores" })).toHaveCount(0); // admin-only

  const rows = await auditFor(ONCALL_EMAIL);
  expect(rows.at(-1)).toMatchObject({ action: "auth.signin", outcome: "succeeded", params: { method: "oidc", provider: "testidp", mfa: "idp", role: "operator" } });
});

test("a user in no mapped group is refused with a clear message, and the refusal is audited", async ({ page, baseURL }) => {
  await page.goto(`${consoleOrigin(baseURL)}/sign-in`);
  await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
  await signInAtIdp(page, "outsider", "pwd,mfa");

  await expect(page).toHaveURL(/\/sign-in\?sso=no-role$/);
  await expect(page.getByRole("alert").filter({ hasText: "not in any group that has access to this console" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in with Test IdP" })).toBeVisible(); // can try again
  await page.screenshot({ path: "e2e/screenshots/sign-in-sso-refused-1280.png", fullPage: true });

  const rows = await auditFor(OUTSIDER_EMAIL);
  expect(rows.at(-1)).toMatchObject({ action: "auth.signin", outcome: "denied", error: "no_mapped_group", params: { method: "oidc", provider: "testidp", groups: ["marketing"] } });
  expect(await e2eQuery("select id from users where email = $1", [OUTSIDER_EMAIL])).toEqual([]);
});
