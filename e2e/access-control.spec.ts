import { expect, test } from "@playwright/test";
import { completeEnrolment, E2E_PASSWORD, e2eQuery, enterPassword, opsdeckCli, signInAsNewUser, uniqueEmail } from "./helpers/identity";

// Real argon2id hashing, a CLI process per new user, and TOTP codes that may wait for the next 30-second step.
test.describe.configure({ timeout: 90_000 });

test("an anonymous visit to the console goes to the sign-in page, and back to the page asked for after signing in", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in to Opsdeck" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/sign-in-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "e2e/screenshots/sign-in-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  const email = uniqueEmail("operator");
  await opsdeckCli(["users", "create", "--email", email, "--role", "operator", "--password-stdin"], E2E_PASSWORD);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
  await enterPassword(page, email, E2E_PASSWORD, { navigate: false });
  await completeEnrolment(page, /\/account$/);
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
});

test("a viewer opening Admin → Users gets the forbidden page (HTTP 403)", async ({ page }) => {
  const { email } = await signInAsNewUser(page, "viewer");
  await page.waitForLoadState("networkidle"); // the dashboard's links (Admin among them) have been prefetched
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expect(page.getByRole("button", { name: /@/ })).toBeVisible(); // still inside the console shell
  await page.screenshot({ path: "e2e/screenshots/forbidden-1280.png", fullPage: true });
  // One denied row, for the page actually opened (prefetching the nav's links records nothing).
  const denied = await e2eQuery<{ resource_id: string; outcome: string }>("select resource_id, outcome from audit_events where action = 'page.view' and actor_email = $1", [email]);
  expect(denied).toEqual([{ resource_id: "/admin/users", outcome: "denied" }]);
});

test("an unknown email and a wrong password read the same", async ({ page }) => {
  await enterPassword(page, "nobody-here@e2e.example.com", "whatever-password-1");
  await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect." })).toBeVisible();
});

test("pages run under the Content-Security-Policy without violations (scripts carry the nonce)", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  for (const path of ["/", "/sign-in"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  // Hydrated: the client-side form keeps what was typed and answers without a full page load.
  await enterPassword(page, "csp-check@e2e.example.com", "whatever-password-1");
  await expect(page.getByLabel("Email")).toHaveValue("csp-check@e2e.example.com");
  expect(violations).toEqual([]);
});

test("a form sent before the page's scripts run still works: the browser sends the Origin that server actions require", async ({ browser }) => {
  // Scripts off: the sign-in form posts as plain HTML, as it does when someone clicks before the page has
  // hydrated (a slow link, a busy machine). With Referrer-Policy no-referrer, such a POST carried
  // `Origin: null`, Next.js refused the server action, and the user saw "Internal Server Error".
  const email = uniqueEmail("nojs");
  await opsdeckCli(["users", "create", "--email", email, "--role", "viewer", "--password-stdin"], E2E_PASSWORD);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    const posted = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/sign-in");
    await page.getByRole("button", { name: "Continue" }).click();
    expect((await posted).headers()["origin"]).toBe(new URL(page.url()).origin);
    await expect(page).toHaveURL(/\/sign-in\/enroll/);
    await expect(page.getByText("Internal Server Error")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
