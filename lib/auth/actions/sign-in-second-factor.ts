/**
 * Sign-in, step 2 (run by the next-auth Credentials provider's `authorize`): the challenge from step 1
 * plus a TOTP code or a recovery code — or, right after enrolment, the challenge alone, whose new
 * authenticator was just confirmed. On success it issues a UserSession; the session token carries its id.
 * A TOTP code for a step at or before the last accepted one is refused (no replay within the window);
 * a recovery code works once.
 */
import { z } from "zod";
import type { ActionContext } from "../../actions/action-context";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { breakGlassWindowOpenFor } from "../break-glass/break-glass";
import { loadMfaChallenge, recordWrongCode, type LoadedChallenge } from "../mfa-challenge";
import { decryptMfaSecret } from "../mfa-secret-encryption";
import { passwordSignInEnabled } from "../password-sign-in-policy";
import { consumeRecoveryCode } from "../recovery-codes";
import { auditSignInFailure, auditSignInSuccess, type SignInMethod } from "../sign-in-audit";
import { checkSignInThrottle, recordSignInAttempt, tooManyAttemptsMessage } from "../sign-in-throttle";
import { looksLikeTotpCode, verifyTotp } from "../totp";
import { createUserSession } from "../user-sessions";

export const BAD_CODE_MESSAGE = "That code is not valid.";
export const CHALLENGE_EXPIRED_MESSAGE = "Your sign-in has expired. Enter your email and password again.";

function methodFor(code: string | undefined): SignInMethod {
  if (!code) return "enrolment";
  return looksLikeTotpCode(code) ? "totp" : "recovery_code";
}

/** Accepts a TOTP code once: the step is recorded in the same statement that checks it is newer. */
async function acceptTotp(challenge: LoadedChallenge, code: string, now: Date): Promise<boolean> {
  const { user } = challenge;
  if (!user.mfaEnabledAt || !user.mfaSecret) return false;
  const check = await verifyTotp({ secret: decryptMfaSecret(user.mfaSecret), code, lastStep: user.mfaLastStep, now });
  if (!check.valid) return false;
  const step = BigInt(check.step);
  const { count } = await prisma().user.updateMany({
    where: { id: user.id, OR: [{ mfaLastStep: null }, { mfaLastStep: { lt: step } }] },
    data: { mfaLastStep: step },
  });
  return count === 1;
}

async function refuse(ctx: ActionContext, challenge: LoadedChallenge, reason: "bad_code" | "disabled", message: string): Promise<never> {
  await recordSignInAttempt({ email: challenge.user.email, ip: ctx.ip, success: false, reason });
  await auditSignInFailure(ctx, { email: challenge.user.email, userId: challenge.user.id, reason, step: "second_factor" });
  throw new AppError("UNAUTHENTICATED", message);
}

export const signInSecondFactorAction = defineAction({
  action: "auth.signin.mfa",
  permission: "public",
  input: z.object({
    challengeId: z.string().max(100).nullable(),
    code: z
      .string()
      .trim()
      .max(64)
      .optional()
      .transform((v) => (v ? v : undefined)),
  }),
  resourceType: "user",
  params: (input) => ({ method: methodFor(input.code) }),
  run: async (input, { ctx }): Promise<{ userId: string; sessionId: string; method: SignInMethod }> => {
    const now = new Date();
    const challenge = await loadMfaChallenge(input.challengeId, now);
    if (!challenge || !challenge.usable) {
      await auditSignInFailure(ctx, { email: challenge?.user.email ?? "(unknown)", userId: challenge?.user.id ?? null, reason: "challenge_expired", step: "second_factor" });
      throw new AppError("UNAUTHENTICATED", CHALLENGE_EXPIRED_MESSAGE);
    }
    const { user } = challenge;

    const throttle = await checkSignInThrottle({ email: user.email, ip: ctx.ip, now });
    if (!throttle.allowed) {
      await recordSignInAttempt({ email: user.email, ip: ctx.ip, success: false, reason: "locked" });
      await auditSignInFailure(ctx, { email: user.email, userId: user.id, reason: "locked", step: "second_factor" });
      throw new AppError("RATE_LIMITED", tooManyAttemptsMessage(throttle.retryInMinutes));
    }
    if (user.disabledAt) await refuse(ctx, challenge, "disabled", BAD_CODE_MESSAGE);

    const method = methodFor(input.code);
    let proven: boolean;
    if (method === "enrolment") proven = Boolean(challenge.mfaVerifiedAt && user.mfaEnabledAt);
    else if (!user.mfaEnabledAt) proven = false;
    else if (method === "totp") proven = await acceptTotp(challenge, input.code!, now);
    else proven = await consumeRecoveryCode(user.id, input.code!, now);

    if (!proven) {
      await recordWrongCode(challenge.id, now);
      await refuse(ctx, challenge, "bad_code", BAD_CODE_MESSAGE);
    }

    const session = await prisma().$transaction(async (tx) => {
      const { count } = await tx.mfaChallenge.updateMany({ where: { id: challenge.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (count !== 1) return null; // another request used it first
      await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now }, select: { id: true } });
      return createUserSession(tx, { userId: user.id, ip: ctx.ip, userAgent: ctx.userAgent, mfaAt: challenge.mfaVerifiedAt ?? now, now });
    });
    if (!session) throw new AppError("UNAUTHENTICATED", CHALLENGE_EXPIRED_MESSAGE);

    await recordSignInAttempt({ email: user.email, ip: ctx.ip, success: true });
    // Password sign-in off: a session for an account in its break-glass window is marked (lib/auth/break-glass/).
    const breakGlass = !passwordSignInEnabled() && (await breakGlassWindowOpenFor(user.id, now));
    await auditSignInSuccess(ctx, { user, method, sessionId: session.id, breakGlass });
    return { userId: user.id, sessionId: session.id, method };
  },
});
