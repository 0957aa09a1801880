/**
 * Password sign-in turned off (OPSDECK_PASSWORD_SIGNIN=off) and break-glass, against a real database: the
 * password step refuses everyone and audits it, the CLI opens a window for a qualifying admin only, that
 * admin then signs in (password + TOTP) with loud audit rows, and after the window or `disable` the
 * refusal is back. Setup links cannot be used to sign in around it, and there is no web action to open a window.
 */
import { readdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anonymous, createTestUser, currentCode, PASSWORD, uniqueEmail } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { executeAction } from "../../actions/define-action";
import { ACTION_REGISTRY } from "../../actions/registry";
import { prisma } from "../../db/prisma";
import { completeSetupAction, FIRST_ADMIN_NEEDS_SSO_MESSAGE } from "../actions/complete-setup";
import { signInSecondFactorAction } from "../actions/sign-in-second-factor";
import { signInWithPasswordAction } from "../actions/sign-in-with-password";
import { verifyPassword } from "../password-hashing";
import { PASSWORD_SIGN_IN_OFF_MESSAGE } from "../password-sign-in-policy";
import { createSetupToken, INVITE_LINK_TTL_MS } from "../setup-tokens";
import { resolveActiveSession } from "../user-sessions";
import { openBreakGlassWindows } from "./break-glass";
import { runBreakGlassCli } from "./cli-break-glass";

type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null; error: string | null; resource_id: string | null; actor_email: string | null; user_agent: string | null };

const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("password sign-in off, with a break-glass admin opened from the CLI", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  const saved = process.env.OPSDECK_PASSWORD_SIGNIN;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("breakglass");
  });
  afterAll(async () => db.cleanup());
  beforeEach(() => {
    process.env.OPSDECK_PASSWORD_SIGNIN = "off";
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OPSDECK_PASSWORD_SIGNIN;
    else process.env.OPSDECK_PASSWORD_SIGNIN = saved;
  });

  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runBreakGlassCli(["break-glass", ...args, "--database-url", db.url], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };
  const audit = (sql: string, params: unknown[] = []) =>
    superuserQuery<AuditRow>(db.url, `select action, outcome, params, error, resource_id, actor_email, user_agent from audit_events where ${sql} order by seq`, params);
  const signInRows = (email: string) => audit("action = 'auth.signin' and params->>'email' = $1", [email]);
  // A fresh client address per attempt: the per-IP cool-down (20 failures) must not be what refuses here.
  let ipCounter = 0;
  const passwordStep = (email: string, password = PASSWORD) => executeAction(signInWithPasswordAction, anonymous(`203.0.113.${++ipCounter}`), { email, password });
  const challengesOf = async (userId: string) => prisma().mfaChallenge.count({ where: { userId } });

  it("refuses a normal admin's correct password (and an unknown email) with one message, audited denied, opening no challenge", async () => {
    const admin = await createTestUser({ role: "admin" });
    const refused = await passwordStep(admin.email);
    expect(refused).toEqual({ ok: false, error: { code: "FORBIDDEN", message: PASSWORD_SIGN_IN_OFF_MESSAGE } });
    expect(PASSWORD_SIGN_IN_OFF_MESSAGE).toMatch(/Password sign-in is turned off on this console\. Sign in with single sign-on/);
    expect(await challengesOf(admin.id)).toBe(0);
    expect((await signInRows(admin.email)).at(-1)).toMatchObject({
      outcome: "denied",
      resource_id: admin.id,
      error: "password_sign_in_disabled",
      params: { email: admin.email, reason: "password_sign_in_disabled", step: "password" },
    });
    // Nothing tells an unknown email or a wrong password apart from a right one.
    const nobody = uniqueEmail("nobody");
    expect(await passwordStep(nobody)).toEqual(refused);
    expect(await passwordStep(admin.email, "wrong-password-entirely")).toEqual(refused);
    expect((await signInRows(nobody)).at(-1)).toMatchObject({ outcome: "denied", params: { reason: "password_sign_in_disabled" } });
  });

  it("turned back on, the same admin signs in with a password as before", async () => {
    const admin = await createTestUser({ role: "admin" });
    process.env.OPSDECK_PASSWORD_SIGNIN = "on";
    expect(await passwordStep(admin.email)).toMatchObject({ ok: true, data: { next: "mfa" } });
  });

  it("opens a window from the CLI (audited with the OS user); the admin signs in with password + TOTP, loudly", async () => {
    const admin = await createTestUser({ role: "admin" });
    const before = Date.now();
    const enabled = await cli(["enable", "--email", admin.email.toUpperCase(), "--minutes", "30"]);
    expect(enabled.err).toEqual([]);
    expect(enabled.code).toBe(0);
    expect(enabled.out[0]).toMatch(new RegExp(`^BREAK-GLASS window open for ${admin.email.replace(/[.]/g, "\\.")} until .+ \\(30 min\\)\\.$`));

    const row = await prisma().user.findUniqueOrThrow({ where: { id: admin.id }, select: { breakGlassUntil: true } });
    expect(row.breakGlassUntil!.getTime() - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(row.breakGlassUntil!.getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    const enableRows = await audit("action = 'auth.break_glass.enable' and resource_id = $1", [admin.id]);
    expect(enableRows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    expect(enableRows[0]).toMatchObject({
      actor_email: null,
      user_agent: "opsdeck-cli",
      params: { email: admin.email, via: "cli", osUser: userInfo().username, minutes: 30, until: row.breakGlassUntil!.toISOString() },
    });
    expect(await openBreakGlassWindows()).toContainEqual({ email: admin.email, until: row.breakGlassUntil });
    const status = await cli(["status"]);
    expect(status.out.join("\n")).toContain(admin.email);

    // A wrong password of the break-glass account reads like every other refusal, but counts as a wrong password.
    const wrong = await passwordStep(admin.email, "not-the-password-at-all");
    expect(wrong).toEqual({ ok: false, error: { code: "FORBIDDEN", message: PASSWORD_SIGN_IN_OFF_MESSAGE } });
    expect((await signInRows(admin.email)).at(-1)).toMatchObject({ outcome: "failed", params: { reason: "bad_password", step: "password" } });

    const step1 = await passwordStep(admin.email);
    expect(step1).toMatchObject({ ok: true, data: { next: "mfa", breakGlass: true } });
    const used = await audit("action = 'auth.break_glass.used' and resource_id = $1", [admin.id]);
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({ outcome: "succeeded", params: { email: admin.email, breakGlass: true, step: "password", until: row.breakGlassUntil!.toISOString() } });

    // The second factor is still required: no code, no session.
    const challengeId = step1.ok ? step1.data.challengeId : null;
    expect((await executeAction(signInSecondFactorAction, anonymous(), { challengeId })).ok).toBe(false);
    const step2 = await executeAction(signInSecondFactorAction, anonymous(), { challengeId, code: await currentCode(admin.totpSecret!) });
    expect(step2).toMatchObject({ ok: true, data: { userId: admin.id, method: "totp" } });
    expect((await signInRows(admin.email)).at(-1)).toMatchObject({ outcome: "succeeded", actor_email: admin.email, params: { method: "totp", breakGlass: true } });

    // Another admin is still refused while this window is open.
    const other = await createTestUser({ role: "admin" });
    expect(await passwordStep(other.email)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("refuses again once the window has passed", async () => {
    const admin = await createTestUser({ role: "admin" });
    expect((await cli(["enable", "--email", admin.email, "--minutes", "1"])).code).toBe(0);
    expect((await passwordStep(admin.email)).ok).toBe(true);
    await superuserQuery(db.url, "update users set break_glass_until = now() - interval '1 second' where id = $1", [admin.id]);
    expect(await passwordStep(admin.email)).toEqual({ ok: false, error: { code: "FORBIDDEN", message: PASSWORD_SIGN_IN_OFF_MESSAGE } });
    expect((await signInRows(admin.email)).at(-1)).toMatchObject({ outcome: "denied", params: { reason: "password_sign_in_disabled" } });
    expect((await openBreakGlassWindows()).map((w) => w.email)).not.toContain(admin.email);
  });

  it("`disable` closes the window and ends the sessions it opened; sign-in is refused again", async () => {
    const admin = await createTestUser({ role: "admin" });
    expect((await cli(["enable", "--email", admin.email])).code).toBe(0); // default 60 minutes
    const until = (await prisma().user.findUniqueOrThrow({ where: { id: admin.id }, select: { breakGlassUntil: true } })).breakGlassUntil!;
    expect(Math.round((until.getTime() - Date.now()) / 60_000)).toBe(60);
    const step1 = await passwordStep(admin.email);
    const step2 = await executeAction(signInSecondFactorAction, anonymous(), { challengeId: step1.ok ? step1.data.challengeId : null, code: await currentCode(admin.totpSecret!) });
    const sessionId = step2.ok ? step2.data.sessionId : "";
    expect(await resolveActiveSession({ sessionId, userId: admin.id })).not.toBeNull();
    // A challenge opened but not finished when the window closes is burnt too.
    const pending = await passwordStep(admin.email);
    expect(pending.ok).toBe(true);

    const disabled = await cli(["disable", "--email", admin.email]);
    expect(disabled).toMatchObject({ code: 0, err: [] });
    expect(disabled.out[0]).toMatch(/window closed .* their sessions ended/);
    expect(await resolveActiveSession({ sessionId, userId: admin.id })).toBeNull();
    const late = await executeAction(signInSecondFactorAction, anonymous(), { challengeId: pending.ok ? pending.data.challengeId : null, code: await currentCode(admin.totpSecret!, 1) });
    expect(late.ok).toBe(false);
    expect(await passwordStep(admin.email)).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: PASSWORD_SIGN_IN_OFF_MESSAGE } });
    const rows = await audit("action = 'auth.break_glass.disable' and resource_id = $1", [admin.id]);
    expect(rows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    expect(rows[0]).toMatchObject({ actor_email: null, params: { email: admin.email, via: "cli", osUser: userInfo().username } });
    expect((await cli(["disable", "--email", admin.email])).out[0]).toMatch(/No break-glass window was open/);
  });

  it("refuses in the CLI: a non-admin, an SSO-only user, an admin without TOTP, a disabled admin, an unknown email", async () => {
    const operator = await createTestUser({ role: "operator" });
    const viewer = await createTestUser({ role: "viewer" });
    const noTotp = await createTestUser({ role: "admin", mfa: false });
    const disabledAdmin = await createTestUser({ role: "admin", disabled: true });
    const sso = await createTestUser({ role: "admin", password: null });
    await prisma().user.update({ where: { id: sso.id }, data: { source: "oidc:corp" } });
    const cases: [string, RegExp][] = [
      [operator.email, /Only an admin/],
      [viewer.email, /Only an admin/],
      [sso.email, /Only a local account with a password/],
      [noTotp.email, /no authenticator \(console TOTP\)/],
      [disabledAdmin.email, /disabled/],
      [uniqueEmail("ghost"), /No account for/],
    ];
    for (const [email, message] of cases) {
      const r = await cli(["enable", "--email", email]);
      expect(r.code, email).toBe(1);
      expect(r.err[0], email).toMatch(message);
      expect((await audit("action = 'auth.break_glass.enable' and params->>'email' = $1", [email])).map((a) => a.outcome), email).toEqual(["started", "failed"]);
    }
    expect(await superuserQuery(db.url, "select email from users where break_glass_until is not null and id = any($1::uuid[])", [[operator.id, viewer.id, noTotp.id, disabledAdmin.id, sso.id]])).toEqual([]);
    // And none of them gets past the password step.
    for (const u of [operator, viewer, noTotp]) expect(await passwordStep(u.email)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("refuses bad CLI input: minutes out of range, no email, unknown command", async () => {
    const admin = await createTestUser({ role: "admin" });
    for (const minutes of ["0", "1441", "abc"]) expect((await cli(["enable", "--email", admin.email, "--minutes", minutes])).code).toBe(2);
    expect((await cli(["enable"])).code).toBe(2);
    expect((await cli(["open", "--email", admin.email])).code).toBe(2);
    expect((await cli(["disable", "--email", admin.email, "--minutes", "5"])).code).toBe(2);
    expect(await prisma().user.findUniqueOrThrow({ where: { id: admin.id }, select: { breakGlassUntil: true } })).toEqual({ breakGlassUntil: null });
  });

  it("a window does not survive losing the account's TOTP or admin role", async () => {
    const admin = await createTestUser({ role: "admin" });
    expect((await cli(["enable", "--email", admin.email])).code).toBe(0);
    await prisma().user.update({ where: { id: admin.id }, data: { mfaEnabledAt: null, mfaSecret: null } });
    expect(await passwordStep(admin.email)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } }); // no password-only enrolment
    const demoted = await createTestUser({ role: "admin" });
    expect((await cli(["enable", "--email", demoted.email])).code).toBe(0);
    await prisma().user.update({ where: { id: demoted.id }, data: { role: "viewer" } });
    expect(await passwordStep(demoted.email)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("setup links cannot sign anyone in: invite saves the password without a challenge; first-admin is refused", async () => {
    const invited = await createTestUser({ role: "operator", password: null, mfa: false });
    const { token } = await createSetupToken({ purpose: "invite", email: invited.email, role: "operator", ttlMs: INVITE_LINK_TTL_MS });
    const newPassword = "copper-meadow-lantern-77";
    const done = await executeAction(completeSetupAction, anonymous(), { token, email: invited.email, password: newPassword, confirmPassword: newPassword });
    expect(done).toMatchObject({ ok: true, data: { challengeId: null, next: "sso", purpose: "invite" } });
    expect(await challengesOf(invited.id)).toBe(0);
    const saved = await prisma().user.findUniqueOrThrow({ where: { id: invited.id }, select: { passwordHash: true } });
    expect(await verifyPassword(saved.passwordHash!, newPassword)).toBe(true);
    expect((await signInRows(invited.email)).at(-1)).toMatchObject({ outcome: "denied", params: { reason: "password_sign_in_disabled", step: "setup" } });
    expect(await passwordStep(invited.email, newPassword)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

    const first = await createSetupToken({ purpose: "first-admin", ttlMs: 30 * 60_000 });
    const email = uniqueEmail("first");
    const refused = await executeAction(completeSetupAction, anonymous(), { token: first.token, email, password: newPassword, confirmPassword: newPassword });
    expect(refused).toEqual({ ok: false, error: { code: "FORBIDDEN", message: FIRST_ADMIN_NEEDS_SSO_MESSAGE } });
    expect(await prisma().user.findUnique({ where: { email } })).toBeNull();
    // Refused before anything changed: the link is not used up.
    expect(await superuserQuery(db.url, "select used_at from setup_tokens where purpose = 'first-admin'")).toEqual([{ used_at: null }]);
  });

  it("a reset link of a break-glass admin inside the window leads to the TOTP step, never to enrolment", async () => {
    const admin = await createTestUser({ role: "admin" });
    expect((await cli(["enable", "--email", admin.email])).code).toBe(0);
    const { token } = await createSetupToken({ purpose: "reset", email: admin.email, ttlMs: INVITE_LINK_TTL_MS });
    const pw = "granite-harbor-willow-19";
    expect(await executeAction(completeSetupAction, anonymous(), { token, email: admin.email, password: pw, confirmPassword: pw })).toMatchObject({ ok: true, data: { next: "mfa" } });
  });

  it("has no web action to open a window (so no viewer, nor any admin, can from the browser): not in the registry, not in app/", () => {
    expect(ACTION_REGISTRY.filter((e) => /break[_-]?glass/i.test(e.definition.action))).toEqual([]);
    const breakGlassDir = path.join(ROOT, "lib/auth/break-glass");
    for (const file of readdirSync(breakGlassDir)) if (!file.includes(".test.")) expect(readFileSync(path.join(breakGlassDir, file), "utf8"), file).not.toContain("defineAction(");
    const appFiles = (readdirSync(path.join(ROOT, "app"), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f));
    const callers = appFiles.filter((f) => /enableBreakGlass|runBreakGlassCli|breakGlassUntil\s*:/.test(readFileSync(path.join(ROOT, "app", f), "utf8")));
    expect(callers).toEqual([]);
  });
});
