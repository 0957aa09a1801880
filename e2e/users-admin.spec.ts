/**
 * Admin → Users, the SSO side: each user's source, an unused admin flagged and disabled with one click
 * (audited), and the SSO sign-out card. (A non-admin opening /admin/users gets the forbidden page:
 * e2e/access-control.spec.ts.)
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_PASSWORD, e2eQuery, opsdeckCli, signInAsNewUser, uniqueEmail } from "./helpers/identity";

// Real argon2id hashing, a CLI process per new user, and TOTP codes that may wait for the next 30-second step.
test.describe.configure({ timeout: 120_000 });

test("an admin sees an unused admin flagged, disables it with one click (audited), and sees each user's source", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const { email: adminEmail } = await signInAsNewUser(page, "admin");

  // An admin who last signed in 47 days ago, and one created 40 days ago who never signed in.
  const idle = uniqueEmail("idle-admin");
  const never = uniqueEmail("never-admin");
  for (const email of [idle, never]) await opsdeckCli(["users", "create", "--email", email, "--role", "admin", "--password-stdin"], E2E_PASSWORD);
  await e2eQuery("update users set last_sign_in_at = now() - interval '47 days', created_at = now() - interval '90 days' where email = $1", [idle]);
  await e2eQuery("update users set last_sign_in_at = null, created_at = now() - interval '40 days' where email = $1", [never]);

  // An SSO user of the configured test IdP (no password: Active, not Invited), and one of a provider since removed.
  const sso = uniqueEmail("sso-user");
  const orphan = uniqueEmail("orphan-sso");
  for (const [email, provider] of [
    [sso, "testidp"],
    [orphan, "old-okta"],
  ] as const) {
    const [user] = await e2eQuery<{ id: string }>("insert into users (id, email, role, source, updated_at) values (gen_random_uuid(), $1, 'operator', $2, now()) returning id", [
      email,
      `oidc:${provider}`,
    ]);
    await e2eQuery("update users set last_sign_in_at = now() - interval '2 hours' where id = $1", [user!.id]);
    await e2eQuery("insert into user_identities (id, user_id, provider_id, issuer, subject, email, last_sign_in_at) values (gen_random_uuid(), $1, $2, $3, $4, $5, now() - interval '2 hours')", [
      user!.id,
      provider,
      `https://${provider}.example`,
      randomUUID(),
      email,
    ]);
  }

  await page.goto("/admin/users");
  const warning = page.getByTestId("stale-admins");
  await expect(warning.getByRole("heading", { name: /admins? (have|has) not signed in for 30 days — the runbook says remove unused admins promptly/ })).toBeVisible();
  const idleRow = warning.locator(`[data-stale-admin="${idle}"]`);
  await expect(idleRow).toContainText("No sign-in for 47 days");
  await expect(warning.locator(`[data-stale-admin="${never}"]`)).toContainText("Never signed in (created 40 days ago)");
  await expect(warning.locator(`[data-stale-admin="${adminEmail}"]`)).toHaveCount(0); // just signed in

  // The rows: the flag, and each user's source and status.
  const table = page.locator("table");
  await expect(table.locator(`tr[data-user-email="${idle}"]`)).toContainText("No sign-in for 47 days");
  const ssoRow = table.locator(`tr[data-user-email="${sso}"]`);
  await expect(ssoRow).toContainText("Test IdP");
  await expect(ssoRow).toContainText("Active");
  await expect(ssoRow).toContainText("MFA at IdP"); // signed in without console TOTP: the IdP proved MFA
  await expect(ssoRow).not.toContainText("Invited");
  await expect(table.locator(`tr[data-user-email="${orphan}"]`)).toContainText("old-okta (removed)");
  await expect(table.locator(`tr[data-user-email="${adminEmail}"]`)).toContainText("Local");
  await expect(page.getByRole("button", { name: "Sign out all SSO users" })).toBeVisible();

  await page.screenshot({ path: "e2e/screenshots/users-sso-1280.png", fullPage: true });

  // One click: no confirmation step.
  await idleRow.getByRole("button", { name: `Disable ${idle}` }).click();
  await expect(idleRow).toContainText(`${idle} is disabled and signed out.`);
  await expect(table.locator(`tr[data-user-email="${idle}"]`)).toContainText("Disabled");

  const [target] = await e2eQuery<{ id: string; disabled_at: Date | null }>("select id, disabled_at from users where email = $1", [idle]);
  expect(target!.disabled_at).not.toBeNull();
  const audit = await e2eQuery<{ outcome: string; actor_email: string }>("select outcome, actor_email from audit_events where action = 'user.disable' and resource_id = $1 order by seq", [target!.id]);
  expect(audit).toEqual([
    { outcome: "started", actor_email: adminEmail },
    { outcome: "succeeded", actor_email: adminEmail },
  ]);

  // The Manage panel of the SSO user: per-identity last sign-in and Unlink.
  await ssoRow.getByRole("button", { name: `Manage ${sso}` }).click();
  const panel = page.getByRole("region", { name: `Manage ${sso}` });
  await expect(panel.locator('[data-identity-provider="testidp"]')).toContainText("last sign-in 2 hours ago");
  await expect(panel.getByRole("button", { name: "Unlink Test IdP" })).toBeVisible();
});
