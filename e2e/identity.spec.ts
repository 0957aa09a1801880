import { expect, test, type Browser, type Page } from "@playwright/test";
import { completeEnrolment, E2E_PASSWORD, e2eQuery, enterPassword, freshTotp, insertFirstAdminSetupToken, signInWithTotp, signOut, uniqueEmail } from "./helpers/identity";

// Real argon2id hashing, a CLI process per new user, and TOTP codes that may wait for the next 30-second step.
test.describe.configure({ timeout: 90_000 });

// Acceptance: setup link → first admin → TOTP enrolment → sign out → password + TOTP → recovery code once.
test.describe.serial("first admin, MFA and recovery codes", () => {
  const email = uniqueEmail("first-admin");
  let manualKey = "";
  let recoveryCodes: string[] = [];
  let page: Page;
  let browser: Browser;
  /** Another browser (own cookies). */
  const otherBrowser = async () => (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const alert = (p: Page, text: string | RegExp) => p.getByRole("alert").filter({ hasText: text });

  test.beforeAll(async ({ browser: b }) => {
    browser = b;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  test.afterAll(async () => page.close());

  async function shoot(name: string) {
    await page.evaluate(() => window.scrollTo(0, 0)); // sticky header and sidebar belong at the top of a full-page shot
    await page.screenshot({ path: `e2e/screenshots/${name}-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `e2e/screenshots/${name}-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  test("the one-time setup link creates the first admin, then MFA enrolment", async () => {
    const token = await insertFirstAdminSetupToken();
    await page.goto(`/setup/${token}`);
    await expect(page.getByRole("heading", { name: "Create the first admin" })).toBeVisible();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill("Ada Admin");
    await page.getByLabel("Password", { exact: true }).fill("password1234");
    await page.getByLabel("Repeat password").fill("password1234");
    await page.getByRole("button", { name: "Create admin account" }).click();
    await expect(page.getByText(/too common or too easy to guess/)).toBeVisible(); // weak passwords are refused
    await page.getByLabel("Password", { exact: true }).fill(E2E_PASSWORD);
    await page.getByLabel("Repeat password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Create admin account" }).click();

    await expect(page).toHaveURL(/\/sign-in\/enroll$/);
    await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
    await shoot("enroll");

    // The link works once.
    const reuse = await otherBrowser();
    await reuse.goto(`/setup/${token}`);
    await expect(reuse.getByRole("heading", { name: "This setup link was already used" })).toBeVisible();
    await reuse.close();

    // A wrong code is refused; the code from the shown key turns MFA on.
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Turn on MFA" }).click();
    await expect(alert(page, "That code is not valid.")).toBeVisible();
    ({ manualKey, recoveryCodes } = await completeEnrolment(page));
    expect(recoveryCodes).toHaveLength(10);
    await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();

    const [row] = await e2eQuery<{ role: string; mfa: boolean; secret: string }>("select role, mfa_enabled_at is not null as mfa, mfa_secret as secret from users where email = $1", [email]);
    expect(row).toMatchObject({ role: "admin", mfa: true });
    expect(row!.secret).not.toContain(manualKey.replace(/\s+/g, "")); // encrypted at rest
  });

  test("sign out, then sign in with password and a TOTP code", async () => {
    await signOut(page);
    await expect(page.getByText("You are signed out.")).toBeVisible();
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/sign-in$/);

    await enterPassword(page, email, "not-the-password-1");
    await expect(alert(page, "Email or password is incorrect.")).toBeVisible();
    await shoot("sign-in-error");

    await enterPassword(page, email);
    await expect(page).toHaveURL(/\/sign-in\/mfa$/);
    await shoot("mfa");
    await page.getByLabel("Authentication code").fill(await freshTotp(manualKey));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await signOut(page);
  });

  test("a recovery code works once and only once", async () => {
    const code = recoveryCodes[0]!;
    await enterPassword(page, email);
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(code.toUpperCase());
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await signOut(page);

    await enterPassword(page, email);
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(alert(page, "That code is not valid.")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in\/mfa$/);

    // Another unused code still works.
    await page.getByLabel("Recovery code").fill(recoveryCodes[1]!);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);

    const audit = await e2eQuery<{ outcome: string; reason: string | null; method: string | null }>(
      "select outcome, params->>'reason' as reason, params->>'method' as method from audit_events where action = 'auth.signin' and params->>'email' = $1 order by seq",
      [email],
    );
    expect(audit.map((r) => `${r.outcome}:${r.reason ?? r.method}`)).toEqual([
      "failed:bad_code", // wrong enrolment code
      "succeeded:enrolment",
      "failed:bad_password",
      "succeeded:totp",
      "succeeded:recovery_code",
      "failed:bad_code",
      "succeeded:recovery_code",
    ]);
  });

  test("the admin invites a user and manages users", async () => {
    await page.goto("/admin");
    await page.getByRole("link", { name: /Users/ }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();

    const invitee = uniqueEmail("invitee");
    await page.getByLabel("Email").fill(invitee);
    await page.getByLabel("Name").fill("Grace Hopper");
    await page.getByLabel("Role").selectOption("operator");
    await page.getByRole("button", { name: "Create user and link" }).click();
    const link = page.getByTestId("setup-link");
    await expect(link).toHaveValue(/\/setup\/[\w-]{43}$/);
    await expect(page.getByRole("row").filter({ hasText: invitee })).toContainText("Invited");

    // The last enabled admin cannot be demoted (the UI shows the server's refusal).
    await page.getByRole("button", { name: `Manage ${email}` }).click();
    const panel = page.getByRole("region", { name: `Manage ${email}` });
    await panel.getByLabel("Role").selectOption("viewer");
    await panel.getByRole("button", { name: "Save role" }).click();
    await expect(alert(panel.page(), /last enabled admin/)).toBeVisible();
    await shoot("users");

    // The invitation works: the invitee sets a password and enrols.
    const url = await link.inputValue();
    const invited = await otherBrowser();
    await invited.goto(url);
    await expect(invited.getByRole("heading", { name: "Set up your account" })).toBeVisible();
    await expect(invited.getByLabel("Email")).toHaveValue(invitee);
    await invited.getByLabel("Password", { exact: true }).fill(E2E_PASSWORD);
    await invited.getByLabel("Repeat password").fill(E2E_PASSWORD);
    await invited.getByRole("button", { name: "Save password" }).click();
    await completeEnrolment(invited);
    await invited.close();
  });

  test("the account page lists this browser's session and revokes another", async () => {
    const other = await otherBrowser();
    await signInWithTotp(other, email, manualKey);
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
    await expect(page.getByText("This browser")).toHaveCount(1);
    const revoke = page.getByRole("button", { name: /^Revoke: / });
    await expect(revoke).toHaveCount(1); // the other browser (earlier sessions were signed out)
    await revoke.click();
    await expect(revoke).toHaveCount(0); // revoked, and the list re-rendered from the server
    await other.goto("/dashboard");
    await expect(other).toHaveURL(/\/sign-in$/);
    await other.close();
    await page.screenshot({ path: "e2e/screenshots/account-1280.png", fullPage: true });
  });

  test("every response carries the security headers", async () => {
    for (const path of ["/", "/sign-in", "/api/health"]) {
      const response = await page.request.get(path);
      const headers = response.headers();
      expect(headers["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(headers["content-security-policy"], path).not.toContain("unsafe-eval");
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers).toMatchObject({ "x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "same-origin" });
      expect(headers["strict-transport-security"], "no HSTS over plain http").toBeUndefined();
    }
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "opsdeck.session-token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
  });
});
