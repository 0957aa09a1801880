/**
 * Single sign-on in a browser, against a real OpenID Provider (e2e/fixtures/oidc-idp.ts, panva's
 * oidc-provider) the spec starts on the fixed loopback port playwright.config.ts configured the console
 * with (OPSDECK_OIDC_PROVIDERS from e2e/fixtures/oidc-e2e-providers.ts: provider "testidp", groups "oncall" →
 * operator, "readers" → viewer, "ops-admins" → admin, IdP MFA trusted).
 */
import { expect, test, type Page } from "@playwright/test";
import { startTestIdp, type TestIdp } from "./fixtures/oidc-idp";
import { completeEnrolment, e2eQuery, freshTotp, signOut } from "./helpers/identity";

type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null; error: string | null };

const ONCALL_EMAIL = "oncall-sso@idp.e2e.example.com";
const OUTSIDER_EMAIL = "outsider-sso@idp.e2e.example.com";
const NEWBIE_EMAIL = "newbie-sso@idp.e2e.example.com";
const MOVER_EMAIL = "mover-sso@idp.e2e.example.com";
const STEPPER_EMAIL = "stepper-sso@idp.e2e.example.com";

// The tests share the one IdP on its fixed port: run them in one worker, one after the other.
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
      newbie: { email: NEWBIE_EMAIL, name: "Nina Newbie", groups: ["oncall"] },
      mover: { email: MOVER_EMAIL, name: "Milo Mover", groups: ["oncall"] },
      stepper: { email: STEPPER_EMAIL, name: "Stella Stepper", groups: ["ops-admins"] },
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

/** From the sign-in page, through the IdP's login form. The IdP remembers a login: a new sign-in starts with no cookies. */
async function signInWithIdp(page: Page, baseURL: string | undefined, account: string, amr: string) {
  await page.context().clearCookies();
  await page.goto(`${consoleOrigin(baseURL)}/sign-in`);
  await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
  await signInAtIdp(page, account, amr);
}

const accountButton = (page: Page, email: string) => page.getByRole("button", { name: new RegExp(email.replace(/[.]/g, "\\.")) });

test("a user whose IdP proved no second factor enrols the console's TOTP, and is asked for it at the next sign-in", async ({ page, baseURL }) => {
  await signInWithIdp(page, baseURL, "newbie", "pwd"); // amr shows a password only
  const { manualKey } = await completeEnrolment(page); // /sign-in/enroll → recovery codes → dashboard
  await expect(accountButton(page, NEWBIE_EMAIL)).toContainText("Operator");
  const [user] = await e2eQuery<{ mfa_enabled_at: Date | null; source: string }>("select mfa_enabled_at, source from users where email = $1", [NEWBIE_EMAIL]);
  expect(user).toMatchObject({ source: "oidc:testidp" });
  expect(user!.mfa_enabled_at).not.toBeNull();

  await signOut(page);
  await signInWithIdp(page, baseURL, "newbie", "pwd");
  await expect(page).toHaveURL(/\/sign-in\/mfa/);
  await page.getByLabel("Authentication code").fill(await freshTotp(manualKey));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("moving a user to another group at the IdP changes their role at the next sign-in, audited as user.role.sso", async ({ page, baseURL }) => {
  await signInWithIdp(page, baseURL, "mover", "pwd,mfa");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(accountButton(page, MOVER_EMAIL)).toContainText("Operator");
  await signOut(page);

  idp!.accounts.set("mover", { email: MOVER_EMAIL, name: "Milo Mover", groups: ["readers"] });
  await signInWithIdp(page, baseURL, "mover", "pwd,mfa");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(accountButton(page, MOVER_EMAIL)).toContainText("Viewer");
  const changes = await e2eQuery<AuditRow>("select action, outcome, params, error from audit_events where action = 'user.role.sso' and params->>'email' = $1 order by seq", [MOVER_EMAIL]);
  expect(changes).toHaveLength(1);
  expect(changes[0]).toMatchObject({ outcome: "succeeded", params: { provider: "testidp", from: "operator", to: "viewer", groups: ["readers"] } });
  expect(await e2eQuery("select role from users where email = $1", [MOVER_EMAIL])).toEqual([{ role: "viewer" }]);
  await signOut(page);

  // Out of every mapped group: refused, the account keeps its last role but cannot sign in with the IdP.
  idp!.accounts.set("mover", { email: MOVER_EMAIL, name: "Milo Mover", groups: ["marketing"] });
  await signInWithIdp(page, baseURL, "mover", "pwd,mfa");
  await expect(page).toHaveURL(/\/sign-in\?sso=no-role$/);
  expect((await auditFor(MOVER_EMAIL)).at(-1)).toMatchObject({ outcome: "denied", error: "no_mapped_group" });
});

test("an SSO admin without console TOTP proves MFA again for a rollback by re-authenticating at the IdP in a popup", async ({ page, baseURL }) => {
  await signInWithIdp(page, baseURL, "stepper", "pwd,mfa");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(accountButton(page, STEPPER_EMAIL)).toContainText("Admin");

  // A finished restore with a safety backup, of a service the stack config does not have: its page offers the
  // rollback (which needs the step-up), and after the step-up the rollback stops at the config, changing nothing.
  const [run] = await e2eQuery<{ id: string }>(
    `insert into restore_runs (id, kind, status, stack, service, engine, backup_id, safety_backup_id, steps, created_at, started_at, finished_at, error)
     values (gen_random_uuid(), 'restore', 'failed', 'sso-e2e', 'sso-stepup-db', 'postgres', 'sso-e2e/sso-stepup-db/20260101T000000000Z-x', 'sso-e2e/sso-stepup-db/20260101T000100000Z-safety', '[]', now(), now(), now(), 'e2e fixture row')
     returning id`,
  );
  // The sign-in's MFA proof is 10 minutes old.
  await e2eQuery("update user_sessions set mfa_at = now() - interval '10 minutes' where user_id = (select id from users where email = $1)", [STEPPER_EMAIL]);

  await page.goto(`${consoleOrigin(baseURL)}/restores/${run!.id}`);
  await expect(page.getByTestId("restore-run")).toHaveAttribute("data-hydrated", "true");
  const form = page.getByTestId("rollback-form");
  await form.getByLabel("Type sso-stepup-db to confirm").fill("sso-stepup-db");
  await form.getByLabel("Reason").fill("e2e: step-up at the IdP");
  await form.getByRole("button", { name: "Roll back" }).click();

  const stepUp = form.getByTestId("mfa-step-up");
  await expect(stepUp).toHaveAttribute("data-method", "idp");
  await expect(stepUp).toContainText("5 minutes");
  await expect(stepUp.getByLabel("Authenticator code")).toHaveCount(0); // no console TOTP for this user
  await page.screenshot({ path: "e2e/screenshots/step-up-idp-1280.png", fullPage: true });

  const popupOpened = page.waitForEvent("popup");
  await stepUp.getByRole("button", { name: "Confirm with Test IdP" }).click();
  const popup = await popupOpened;
  await signInAtIdp(popup, "stepper", "pwd,mfa"); // prompt=login: the IdP asks again though it has a session

  // The page retried the rollback by itself, the form intact: past the MFA check, it stops at the stack config.
  await expect(form.getByRole("alert")).toContainText('There is no service "sso-stepup-db"');
  await expect(form.getByTestId("mfa-step-up")).toHaveCount(0);
  await expect(form.getByLabel("Type sso-stepup-db to confirm")).toHaveValue("sso-stepup-db");

  const [session] = await e2eQuery<{ age: number }>(
    "select extract(epoch from now() - max(mfa_at))::float as age from user_sessions where user_id = (select id from users where email = $1)",
    [STEPPER_EMAIL],
  );
  expect(session!.age).toBeLessThan(120);
  const stepUps = await e2eQuery<AuditRow>("select action, outcome, params, error from audit_events where action = 'auth.mfa.step_up' and actor_email = $1 order by seq", [STEPPER_EMAIL]);
  expect(stepUps.at(-1)).toMatchObject({ outcome: "succeeded", params: { method: "oidc", provider: "testidp", subject: "stepper" } });
});

test("an admin checks the SSO setup on Admin → Single sign-on: the provider is ready, with the redirect URI to register and its group mapping", async ({ page, baseURL }) => {
  await signInWithIdp(page, baseURL, "stepper", "pwd,mfa");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`${consoleOrigin(baseURL)}/admin`);
  await page.getByRole("link", { name: /Single sign-on/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Single sign-on" })).toBeVisible();

  const card = page.getByTestId("sso-provider-testidp");
  await expect(card).toHaveAttribute("data-status", "ok"); // discovery and JWKS answered; nothing to fix
  await expect(page.getByRole("region", { name: "Test IdP" }).getByText("Ready", { exact: true })).toBeVisible();
  await expect(card.getByTestId("redirect-uri")).toHaveText(`${consoleOrigin(baseURL)}/api/auth/oidc/testidp/callback`);
  await expect(card).toContainText(/answered in \d+ ms · \d+ signing keys?/);
  await expect(card.getByRole("row", { name: /ops-admins/ })).toContainText("Admin");
  await expect(card.getByRole("row", { name: /oncall/ })).toContainText("Operator");
  await expect(card).toContainText(/Linked users\s*[1-9]\d* · last sign-in/);
  expect(await page.content()).not.toContain(process.env.OPSDECK_OIDC_TESTIDP_SECRET!);
  await page.screenshot({ path: "e2e/screenshots/admin-sso-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "e2e/screenshots/admin-sso-390.png", fullPage: true });
});

test("an operator signed in by SSO opening Admin → Single sign-on gets the forbidden page", async ({ page, baseURL }) => {
  await signInWithIdp(page, baseURL, "oncall", "pwd,mfa");
  await expect(page).toHaveURL(/\/dashboard$/);
  const response = await page.goto(`${consoleOrigin(baseURL)}/admin/sso`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expect(page.getByTestId("sso-provider-testidp")).toHaveCount(0);
});
