/**
 * Sign-in, step 1: email + password. Checks the cool-down first (a locked account or IP is refused even
 * with the right password), verifies the argon2id hash (or a dummy one when there is no account, so
 * timing does not reveal which emails exist), then opens an MFA challenge: the TOTP step, or enrolment
 * for an account without a second factor yet. Failures are audited with their reason; the person signing
 * in only ever reads "Email or password is incorrect."
 *
 * With password sign-in turned off (OPSDECK_PASSWORD_SIGNIN=off, lib/auth/password-sign-in-policy.ts) every
 * attempt is refused (FORBIDDEN, `auth.signin` denied with reason password_sign_in_disabled) except for a
 * break-glass account inside its window, whose success also writes `auth.break_glass.used`. Everyone reads
 * the same refusal (wrong password of a break-glass account included), so the answer never tells which
 * account has a window; one argon2 verification runs either way.
 */
import { z } from "zod";
import type { ActionContext } from "../../actions/action-context";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { createMfaChallenge } from "../mfa-challenge";
import { verifyAgainstDummyHash, verifyPassword } from "../password-hashing";
import { breakGlassAccountSelect, breakGlassUsable, recordBreakGlassUse } from "../break-glass/break-glass";
import { auditPasswordSignInRefused, PASSWORD_SIGN_IN_OFF_MESSAGE, passwordSignInEnabled } from "../password-sign-in-policy";
import { auditSignInFailure } from "../sign-in-audit";
import { checkSignInThrottle, recordSignInAttempt, tooManyAttemptsMessage, type SignInFailureReason } from "../sign-in-throttle";

export const BAD_CREDENTIALS_MESSAGE = "Email or password is incorrect.";

type PasswordStepResult = { challengeId: string; next: "mfa" | "enroll"; breakGlass?: true };

/**
 * Password sign-in is off: only a break-glass account inside its window gets past this step (and always
 * to the TOTP step: break-glass needs an enrolled authenticator, checked again here).
 */
async function passwordStepWhileOff(input: { email: string; password: string }, ctx: ActionContext): Promise<PasswordStepResult> {
  const now = new Date();
  const user = await prisma().user.findUnique({ where: { email: input.email }, select: breakGlassAccountSelect });
  if (!user || !breakGlassUsable(user, now)) {
    await verifyAgainstDummyHash(input.password); // same cost as a real check
    await recordSignInAttempt({ email: input.email, ip: ctx.ip, success: false, reason: "password_sign_in_disabled" });
    await auditPasswordSignInRefused(ctx, { email: input.email, userId: user?.id ?? null, step: "password" });
    throw new AppError("FORBIDDEN", PASSWORD_SIGN_IN_OFF_MESSAGE, { logDetail: "password sign-in is turned off (OPSDECK_PASSWORD_SIGNIN=off)" });
  }
  if (!(await verifyPassword(user.passwordHash!, input.password))) {
    await recordSignInAttempt({ email: input.email, ip: ctx.ip, success: false, reason: "bad_password" });
    await auditSignInFailure(ctx, { email: input.email, userId: user.id, reason: "bad_password", step: "password" });
    throw new AppError("FORBIDDEN", PASSWORD_SIGN_IN_OFF_MESSAGE, { logDetail: "break-glass account: wrong password" });
  }
  await recordBreakGlassUse(ctx, user);
  const challenge = await createMfaChallenge({ userId: user.id, enrol: false, now });
  return { challengeId: challenge.id, next: "mfa", breakGlass: true };
}

export const signInWithPasswordAction = defineAction({
  action: "auth.signin.password",
  permission: "public",
  input: z.object({
    email: z.string().trim().toLowerCase().min(1, "Enter your email address.").max(320),
    password: z.string().min(1, "Enter your password.").max(1024),
  }),
  resourceType: "user",
  params: (input) => ({ email: input.email }),
  run: async (input, { ctx }): Promise<PasswordStepResult> => {
    const { email } = input;
    const throttle = await checkSignInThrottle({ email, ip: ctx.ip });
    if (!throttle.allowed) {
      await recordSignInAttempt({ email, ip: ctx.ip, success: false, reason: "locked" });
      await auditSignInFailure(ctx, { email, reason: "locked", step: "password" });
      throw new AppError("RATE_LIMITED", tooManyAttemptsMessage(throttle.retryInMinutes), { logDetail: `sign-in cool-down (${throttle.scope})` });
    }

    if (!passwordSignInEnabled()) return passwordStepWhileOff(input, ctx);

    const user = await prisma().user.findUnique({ where: { email }, select: { id: true, passwordHash: true, disabledAt: true, mfaEnabledAt: true } });
    let reason: SignInFailureReason | null = null;
    if (!user) reason = await verifyAgainstDummyHash(input.password).then(() => "no_such_user" as const);
    else if (!user.passwordHash) reason = await verifyAgainstDummyHash(input.password).then(() => "no_password" as const);
    else if (!(await verifyPassword(user.passwordHash, input.password))) reason = "bad_password";
    else if (user.disabledAt) reason = "disabled";

    if (reason || !user) {
      const why = reason ?? "no_such_user";
      await recordSignInAttempt({ email, ip: ctx.ip, success: false, reason: why });
      await auditSignInFailure(ctx, { email, userId: user?.id ?? null, reason: why, step: "password" });
      throw new AppError("UNAUTHENTICATED", BAD_CREDENTIALS_MESSAGE);
    }

    const challenge = await createMfaChallenge({ userId: user.id, enrol: !user.mfaEnabledAt });
    return { challengeId: challenge.id, next: user.mfaEnabledAt ? "mfa" : "enroll" };
  },
});
