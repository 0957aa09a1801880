/**
 * Brute-force cool-down, from the sign_in_attempts rows (so it holds across restarts and replicas):
 * after 5 failed attempts for one account, or 20 from one IP address, within 15 minutes, further
 * attempts are refused, even with the right password, until enough failures have aged out of the
 * 15-minute window. A successful sign-in clears the account's count (not the IP's). Refused attempts
 * are recorded (reason "locked") but do not count, so hammering does not extend the cool-down.
 */
import { prisma } from "../db/prisma";

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

export type SignInFailureReason =
  | "no_such_user"
  | "bad_password"
  | "no_password"
  | "bad_code"
  | "locked"
  | "disabled"
  | "challenge_expired"
  /** Password sign-in is turned off (OPSDECK_PASSWORD_SIGNIN=off) and the account has no open break-glass window. */
  | "password_sign_in_disabled";

/**
 * Reasons that count towards the cool-down (a refusal while locked does not). A refusal because password
 * sign-in is off counts too: every account then locks after the same number of tries, so the cool-down
 * does not tell which one has a break-glass window (whose wrong passwords count as bad_password).
 */
const COUNTED = ["no_such_user", "bad_password", "no_password", "bad_code", "disabled", "password_sign_in_disabled"];

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAt: Date; retryInMinutes: number; scope: "account" | "ip" };

export function normalizeIp(ip: string | null | undefined): string {
  return ip?.trim() || "unknown";
}

/** When the failures in `times` (newest first) drop below `max` inside the window, or null if they already are. */
function unlockTime(times: Date[], max: number): Date | null {
  if (times.length < max) return null;
  return new Date(times[max - 1]!.getTime() + THROTTLE_WINDOW_MS);
}

export async function checkSignInThrottle(params: { email: string; ip: string | null; now?: Date }): Promise<ThrottleDecision> {
  const now = params.now ?? new Date();
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const email = params.email.trim().toLowerCase();
  const ip = normalizeIp(params.ip);

  const lastSuccess = await prisma().signInAttempt.findFirst({
    where: { email, success: true, at: { gt: since, lte: now } },
    orderBy: { at: "desc" },
    select: { at: true },
  });
  const [accountFailures, ipFailures] = await Promise.all([
    prisma().signInAttempt.findMany({
      where: { email, success: false, reason: { in: COUNTED }, at: { gt: lastSuccess?.at ?? since, lte: now } },
      orderBy: { at: "desc" },
      take: MAX_FAILURES_PER_ACCOUNT,
      select: { at: true },
    }),
    prisma().signInAttempt.findMany({
      where: { ip, success: false, reason: { in: COUNTED }, at: { gt: since, lte: now } },
      orderBy: { at: "desc" },
      take: MAX_FAILURES_PER_IP,
      select: { at: true },
    }),
  ]);
  const byAccount = unlockTime(accountFailures.map((r) => r.at), MAX_FAILURES_PER_ACCOUNT);
  const byIp = unlockTime(ipFailures.map((r) => r.at), MAX_FAILURES_PER_IP);
  const candidates = [
    ...(byAccount && byAccount > now ? [{ retryAt: byAccount, scope: "account" as const }] : []),
    ...(byIp && byIp > now ? [{ retryAt: byIp, scope: "ip" as const }] : []),
  ].sort((a, b) => b.retryAt.getTime() - a.retryAt.getTime());
  const worst = candidates[0];
  if (!worst) return { allowed: true };
  return { allowed: false, retryAt: worst.retryAt, retryInMinutes: Math.max(1, Math.ceil((worst.retryAt.getTime() - now.getTime()) / 60_000)), scope: worst.scope };
}

export async function recordSignInAttempt(params: { email: string; ip: string | null; success: boolean; reason?: SignInFailureReason | null; at?: Date }) {
  await prisma().signInAttempt.create({
    data: {
      email: params.email.trim().toLowerCase(),
      ip: normalizeIp(params.ip),
      success: params.success,
      reason: params.reason ?? null,
      ...(params.at ? { at: params.at } : {}),
    },
    select: { id: true },
  });
}

export function tooManyAttemptsMessage(minutes: number): string {
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
