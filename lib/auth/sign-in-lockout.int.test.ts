import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonymous, createTestUser, currentCode, PASSWORD, uniqueEmail } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { executeAction } from "../actions/define-action";
import { signInSecondFactorAction } from "./actions/sign-in-second-factor";
import { signInWithPasswordAction } from "./actions/sign-in-with-password";
import { checkSignInThrottle } from "./sign-in-throttle";

describe("brute-force cool-down", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("lockout");
  });
  afterAll(async () => db.cleanup());

  const signIn = (email: string, password: string, ip = "198.51.100.20") => executeAction(signInWithPasswordAction, anonymous(ip), { email, password });
  /** Moves an account's (or IP's) attempts back in time: the clock is the database rows. */
  const age = (where: string, value: string, minutes: number) =>
    superuserQuery(db.url, `update sign_in_attempts set at = at - make_interval(mins => $2) where ${where} = $1`, [value, minutes]);

  it("refuses the 6th attempt even with the right password, says so plainly, and lets it in after the cool-down", async () => {
    const user = await createTestUser();
    for (let i = 1; i <= 5; i++) {
      const wrong = await signIn(user.email, `wrong-password-${i}`);
      expect(wrong).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED", message: "Email or password is incorrect." } });
    }
    const locked = await signIn(user.email, PASSWORD);
    expect(locked).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", message: "Too many attempts. Try again in 15 minutes." } });

    // Still locked after 10 minutes (now 5 minutes left), and retrying does not extend it.
    await age("email", user.email, 10);
    expect(await signIn(user.email, PASSWORD)).toMatchObject({ ok: false, error: { message: "Too many attempts. Try again in 5 minutes." } });
    expect(await signIn(user.email, PASSWORD)).toMatchObject({ ok: false, error: { message: "Too many attempts. Try again in 5 minutes." } });

    // The second factor is refused as well while locked.
    await age("email", user.email, 6);
    const open = await signIn(user.email, PASSWORD);
    expect(open).toMatchObject({ ok: true, data: { next: "mfa" } });
    const session = await executeAction(signInSecondFactorAction, anonymous("198.51.100.20"), { challengeId: open.ok ? open.data.challengeId : null, code: await currentCode(user.totpSecret!) });
    expect(session.ok).toBe(true);

    const audit = await superuserQuery<{ outcome: string; reason: string }>(
      db.url,
      "select outcome, params->>'reason' as reason from audit_events where action = 'auth.signin' and params->>'email' = $1 order by seq",
      [user.email],
    );
    expect(audit.map((r) => `${r.outcome}:${r.reason ?? "-"}`)).toEqual([
      ...Array(5).fill("failed:bad_password"),
      "denied:locked",
      "denied:locked",
      "denied:locked",
      "succeeded:-",
    ]);
  });

  it("counts wrong second-factor codes towards the account's limit", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 5; i++) {
      const c = await signIn(user.email, PASSWORD, `198.51.100.${100 + i}`);
      expect(c.ok).toBe(true);
      await executeAction(signInSecondFactorAction, anonymous(`198.51.100.${100 + i}`), { challengeId: c.ok ? c.data.challengeId : null, code: "000000" });
    }
    expect(await signIn(user.email, PASSWORD, "198.51.100.200")).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
  });

  it("a success clears the account's count, so only consecutive failures lock", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 4; i++) await signIn(user.email, "wrong-password-x");
    const c = await signIn(user.email, PASSWORD);
    await executeAction(signInSecondFactorAction, anonymous("198.51.100.20"), { challengeId: c.ok ? c.data.challengeId : null, code: await currentCode(user.totpSecret!) });
    for (let i = 0; i < 4; i++) await signIn(user.email, "wrong-password-y");
    expect((await signIn(user.email, PASSWORD)).ok).toBe(true);
  });

  it("locks an IP after 20 failures across accounts, for every account, until they age out", async () => {
    const ip = "203.0.113.77";
    for (let i = 0; i < 20; i++) await signIn(uniqueEmail("spray"), "password-guess-1", ip);
    const victim = await createTestUser();
    expect(await signIn(victim.email, PASSWORD, ip)).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", message: "Too many attempts. Try again in 15 minutes." } });
    // Another address is not affected.
    expect((await signIn(victim.email, PASSWORD, "203.0.113.78")).ok).toBe(true);
    await age("ip", ip, 15);
    expect((await signIn(victim.email, PASSWORD, ip)).ok).toBe(true);
  });

  it("computes the remaining minutes from the 5th most recent failure (injectable clock)", async () => {
    const email = uniqueEmail("clock");
    const now = new Date();
    for (const minutesAgo of [14, 12, 9, 3, 1])
      await superuserQuery(db.url, "insert into sign_in_attempts (at, email, ip, success, reason) values ($1, $2, '192.0.2.99', false, 'bad_password')", [
        new Date(now.getTime() - minutesAgo * 60_000),
        email,
      ]);
    expect(await checkSignInThrottle({ email, ip: "192.0.2.1", now })).toMatchObject({ allowed: false, retryInMinutes: 1, scope: "account" });
    expect(await checkSignInThrottle({ email, ip: "192.0.2.1", now: new Date(now.getTime() + 61_000) })).toEqual({ allowed: true });
  });
});
