import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonymous, createTestUser, currentCode, PASSWORD, uniqueEmail } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { executeAction } from "../actions/define-action";
import { prisma } from "../db/prisma";
import { confirmMfaEnrolmentAction } from "./actions/confirm-mfa-enrolment";
import { signInSecondFactorAction } from "./actions/sign-in-second-factor";
import { signInWithPasswordAction } from "./actions/sign-in-with-password";
import { decryptMfaSecret } from "./mfa-secret-encryption";
import { hashRecoveryCode } from "./recovery-codes";
import { totpCodeAt } from "./totp";
import { resolveActiveSession } from "./user-sessions";

type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null; error: string | null; resource_id: string | null; actor_email: string | null };

describe("sign-in: password → challenge → second factor → session", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("signin");
  });
  afterAll(async () => db.cleanup());

  const signInRows = (email: string) =>
    superuserQuery<AuditRow>(db.url, `select action, outcome, params, error, resource_id, actor_email from audit_events where action = 'auth.signin' and params->>'email' = $1 order by seq`, [email]);

  async function passwordStep(email: string, password = PASSWORD, ip?: string) {
    return executeAction(signInWithPasswordAction, anonymous(ip), { email, password });
  }

  it("signs in with password and a TOTP code, issuing a session the DB check accepts", async () => {
    const user = await createTestUser({ role: "operator" });
    const step1 = await passwordStep(user.email.toUpperCase()); // emails are case-insensitive
    expect(step1).toMatchObject({ ok: true, data: { next: "mfa" } });
    const challengeId = step1.ok ? step1.data.challengeId : "";

    const step2 = await executeAction(signInSecondFactorAction, anonymous(), { challengeId, code: await currentCode(user.totpSecret!) });
    expect(step2).toMatchObject({ ok: true, data: { userId: user.id, method: "totp" } });
    const sessionId = step2.ok ? step2.data.sessionId : "";

    const actor = await resolveActiveSession({ sessionId, userId: user.id });
    expect(actor).toMatchObject({ userId: user.id, email: user.email, role: "operator", sessionId });
    const row = await prisma().userSession.findUniqueOrThrow({ where: { id: sessionId }, select: { ip: true, userAgent: true, mfaAt: true } });
    expect(row).toMatchObject({ ip: "198.51.100.7", userAgent: "vitest" });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { lastSignInAt: true } })).lastSignInAt).not.toBeNull();

    // The challenge is used up: a second session cannot be minted from it.
    const again = await executeAction(signInSecondFactorAction, anonymous(), { challengeId, code: await currentCode(user.totpSecret!, 1) });
    expect(!again.ok && again.error.message).toMatch(/expired/);

    const rows = await signInRows(user.email);
    expect(rows.at(-2)).toMatchObject({ outcome: "succeeded", actor_email: user.email, params: { method: "totp" } });
    const steps = await superuserQuery<{ action: string; outcome: string }>(db.url, "select action, outcome from audit_events where action in ('auth.signin.password','auth.signin.mfa') order by seq");
    expect(steps.slice(0, 4)).toEqual([
      { action: "auth.signin.password", outcome: "started" },
      { action: "auth.signin.password", outcome: "succeeded" },
      { action: "auth.signin.mfa", outcome: "started" },
      { action: "auth.signin.mfa", outcome: "succeeded" },
    ]);
  });

  it("refuses a TOTP code that was already used, even in a fresh challenge inside its 30-second window", async () => {
    const user = await createTestUser();
    const code = await currentCode(user.totpSecret!);
    const c1 = await passwordStep(user.email);
    expect((await executeAction(signInSecondFactorAction, anonymous(), { challengeId: c1.ok ? c1.data.challengeId : null, code })).ok).toBe(true);
    const c2 = await passwordStep(user.email);
    const replay = await executeAction(signInSecondFactorAction, anonymous(), { challengeId: c2.ok ? c2.data.challengeId : null, code });
    expect(replay).toMatchObject({ ok: false, error: { message: "That code is not valid." } });
    expect((await signInRows(user.email)).at(-1)).toMatchObject({ outcome: "failed", params: { reason: "bad_code", step: "second_factor" } });
  });

  it("accepts a recovery code once and only once", async () => {
    const user = await createTestUser();
    const code = "abcd-efgh-jkmn-pqrs";
    await prisma().recoveryCode.create({ data: { userId: user.id, codeHash: hashRecoveryCode(code) } });
    const c1 = await passwordStep(user.email);
    const first = await executeAction(signInSecondFactorAction, anonymous(), { challengeId: c1.ok ? c1.data.challengeId : null, code: "ABCD EFGH JKMN PQRS" });
    expect(first).toMatchObject({ ok: true, data: { method: "recovery_code" } });
    const c2 = await passwordStep(user.email);
    const second = await executeAction(signInSecondFactorAction, anonymous(), { challengeId: c2.ok ? c2.data.challengeId : null, code });
    expect(second).toMatchObject({ ok: false, error: { message: "That code is not valid." } });
  });

  it("burns the challenge after 5 wrong codes: the password must be entered again", async () => {
    const user = await createTestUser();
    const c = await passwordStep(user.email);
    const challengeId = c.ok ? c.data.challengeId : null;
    for (let i = 0; i < 5; i++) expect((await executeAction(signInSecondFactorAction, anonymous(`203.0.113.${i}`), { challengeId, code: "000000" })).ok).toBe(false);
    // Even the right code no longer works with this challenge.
    const late = await executeAction(signInSecondFactorAction, anonymous(), { challengeId, code: await currentCode(user.totpSecret!) });
    expect(!late.ok && late.error.message).toMatch(/expired/);
  });

  it("sends an account without MFA to enrolment: code confirms the secret, 10 recovery codes, then one session", async () => {
    const user = await createTestUser({ mfa: false });
    const c = await passwordStep(user.email);
    expect(c).toMatchObject({ ok: true, data: { next: "enroll" } });
    const challengeId = c.ok ? c.data.challengeId : null;

    // Without enrolment the challenge alone does not sign anyone in.
    expect((await executeAction(signInSecondFactorAction, anonymous(), { challengeId })).ok).toBe(false);

    const pending = await prisma().mfaChallenge.findUniqueOrThrow({ where: { id: challengeId! }, select: { pendingSecret: true } });
    expect(pending.pendingSecret).toMatch(/^v1\./); // encrypted at rest
    const secret = decryptMfaSecret(pending.pendingSecret!);

    const wrong = await executeAction(confirmMfaEnrolmentAction, anonymous(), { challengeId, code: "000000" });
    expect(wrong.ok).toBe(false);
    const enrolled = await executeAction(confirmMfaEnrolmentAction, anonymous(), { challengeId, code: await totpCodeAt(secret) });
    expect(enrolled.ok).toBe(true);
    const codes = enrolled.ok ? enrolled.data.recoveryCodes : [];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const stored = await prisma().recoveryCode.findMany({ where: { userId: user.id }, select: { codeHash: true } });
    expect(stored.map((r) => r.codeHash).sort()).toEqual(codes.map(hashRecoveryCode).sort()); // hashed, not plain
    const account = await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { mfaSecret: true, mfaEnabledAt: true, mfaLastStep: true } });
    expect(account.mfaEnabledAt).not.toBeNull();
    expect(account.mfaLastStep).not.toBeNull();
    expect(decryptMfaSecret(account.mfaSecret!)).toBe(secret);

    // A second enrolment attempt on the same challenge is refused.
    expect((await executeAction(confirmMfaEnrolmentAction, anonymous(), { challengeId, code: await totpCodeAt(secret) })).ok).toBe(false);

    const session = await executeAction(signInSecondFactorAction, anonymous(), { challengeId });
    expect(session).toMatchObject({ ok: true, data: { method: "enrolment", userId: user.id } });
    expect((await executeAction(signInSecondFactorAction, anonymous(), { challengeId })).ok).toBe(false); // once
  });

  it("audits every failed sign-in with its reason, and the UI text never tells them apart", async () => {
    const user = await createTestUser();
    const disabled = await createTestUser({ disabled: true });
    const invited = await createTestUser({ password: null, mfa: false });
    const ghost = uniqueEmail("ghost");

    const messages = [
      await passwordStep(ghost, PASSWORD, "192.0.2.10"),
      await passwordStep(user.email, "wrong-password-123", "192.0.2.10"),
      await passwordStep(disabled.email, PASSWORD, "192.0.2.10"),
      await passwordStep(invited.email, PASSWORD, "192.0.2.10"),
    ].map((r) => (!r.ok ? r.error.message : "ok"));
    expect(new Set(messages)).toEqual(new Set(["Email or password is incorrect."]));

    const c = await passwordStep(user.email, PASSWORD, "192.0.2.10");
    await executeAction(signInSecondFactorAction, anonymous("192.0.2.10"), { challengeId: c.ok ? c.data.challengeId : null, code: "123456" });

    expect((await signInRows(ghost)).map((r) => [r.outcome, r.params?.reason])).toEqual([["failed", "no_such_user"]]);
    expect((await signInRows(disabled.email)).map((r) => [r.outcome, r.params?.reason, r.resource_id])).toEqual([["denied", "disabled", disabled.id]]);
    expect((await signInRows(invited.email)).map((r) => [r.outcome, r.params?.reason])).toEqual([["failed", "no_password"]]);
    expect((await signInRows(user.email)).map((r) => [r.outcome, r.params?.reason, r.params?.step])).toEqual([
      ["failed", "bad_password", "password"],
      ["failed", "bad_code", "second_factor"],
    ]);
    // The password never reaches the audit log.
    const leaked = await superuserQuery(db.url, "select 1 from audit_events where params::text like '%wrong-password-123%' or params::text like $1", [`%${PASSWORD}%`]);
    expect(leaked).toEqual([]);
    // The attempts are recorded for the cool-down.
    const attempts = await superuserQuery<{ reason: string }>(db.url, "select reason from sign_in_attempts where ip = '192.0.2.10' order by id");
    expect(attempts.map((a) => a.reason)).toEqual(["no_such_user", "bad_password", "disabled", "no_password", "bad_code"]);
  });

  it("refuses a second factor for a user disabled after the password step", async () => {
    const user = await createTestUser();
    const c = await passwordStep(user.email);
    await prisma().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    const result = await executeAction(signInSecondFactorAction, anonymous(), { challengeId: c.ok ? c.data.challengeId : null, code: await currentCode(user.totpSecret!) });
    expect(result.ok).toBe(false);
    expect((await signInRows(user.email)).at(-1)).toMatchObject({ outcome: "denied", params: { reason: "disabled" } });
  });

  it("refuses a missing, malformed or unknown challenge", async () => {
    for (const challengeId of [null, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      const result = await executeAction(signInSecondFactorAction, anonymous(), { challengeId, code: "123456" });
      expect(!result.ok && result.error.message).toMatch(/expired/);
    }
  });
});
