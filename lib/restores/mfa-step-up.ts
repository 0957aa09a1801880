/**
 * TOTP step-up for destructive operations (invariant 8): a restore or rollback runs only when this
 * session proved MFA within the last 5 minutes. Otherwise it is refused with `MFA_REQUIRED`, which
 * the wizard answers by asking for a code and calling `proveMfaAgain` (the `auth.mfa.step_up`
 * action), which checks the code against the user's authenticator (no replay of a used step) and
 * moves the session's `mfaAt` to now. An SSO user without console TOTP re-authenticates at their IdP
 * instead (lib/auth/oidc/step-up-with-oidc.ts, `auth.mfa.step_up.oidc`), which moves `mfaAt` the same way;
 * `stepUpMethods` (lib/auth/step-up-methods.ts) tells the UI which of the two a user has.
 */
import type { Actor } from "../actions/action-context";
import { decryptMfaSecret } from "../auth/mfa-secret-encryption";
import { verifyTotp } from "../auth/totp";
import { prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";

export const MFA_STEP_UP_WINDOW_MS = 5 * 60_000;

export const MFA_REQUIRED_MESSAGE = "Prove your second factor again: a restore or a rollback needs MFA within the last 5 minutes.";

/** Throws MFA_REQUIRED unless the actor's session proved MFA within the window. */
export function requireRecentMfa(actor: Pick<Actor, "mfaAt"> | null, now: Date = new Date()): void {
  if (!actor) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
  const age = now.getTime() - new Date(actor.mfaAt).getTime();
  if (!(age >= -60_000 && age <= MFA_STEP_UP_WINDOW_MS)) throw new AppError("MFA_REQUIRED", MFA_REQUIRED_MESSAGE);
}

/**
 * Checks a TOTP code for the actor's account and, when valid (and for a step newer than the last
 * accepted one), records the step and sets the session's mfaAt to now. Returns the new mfaAt.
 */
export async function proveMfaAgain(actor: Pick<Actor, "userId" | "sessionId">, code: string, now: Date = new Date()): Promise<Date> {
  const user = await prisma().user.findUnique({ where: { id: actor.userId }, select: { id: true, mfaSecret: true, mfaEnabledAt: true, mfaLastStep: true, disabledAt: true } });
  if (!user || user.disabledAt || !user.mfaEnabledAt || !user.mfaSecret) throw new AppError("UNAUTHENTICATED", "Your account cannot prove MFA; sign in again.");
  const check = await verifyTotp({ secret: decryptMfaSecret(user.mfaSecret), code, lastStep: user.mfaLastStep, now });
  if (!check.valid) throw new AppError("INVALID_INPUT", "That code is not valid. Wait for the next code and try again.");
  const step = BigInt(check.step);
  // Same statement checks and records the step: a code cannot be replayed within its window.
  const { count } = await prisma().user.updateMany({ where: { id: user.id, OR: [{ mfaLastStep: null }, { mfaLastStep: { lt: step } }] }, data: { mfaLastStep: step } });
  if (count !== 1) throw new AppError("INVALID_INPUT", "That code was used already. Wait for the next code and try again.");
  return markSessionMfaProven(actor, now);
}

/** This session proved MFA just now (TOTP step-up, or an IdP re-authentication with MFA): its mfaAt moves to `now`. */
export async function markSessionMfaProven(actor: Pick<Actor, "userId" | "sessionId">, now: Date = new Date()): Promise<Date> {
  const updated = await prisma().userSession.updateMany({ where: { id: actor.sessionId, userId: actor.userId, revokedAt: null, expiresAt: { gt: now } }, data: { mfaAt: now } });
  if (updated.count !== 1) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
  return now;
}
