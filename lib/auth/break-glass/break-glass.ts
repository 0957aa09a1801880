/**
 * Break-glass: with password sign-in turned off (OPSDECK_PASSWORD_SIGNIN=off), one local admin may still sign
 * in with password + the console's TOTP while a window opened from the server's shell is open. There is no
 * web action to open one: only `npm run opsdeck -- break-glass enable` (cli-break-glass.ts), because whoever
 * can run it already controls the server. The window's end is `users.break_glass_until`.
 *
 * Loud: opening and closing are audited (`auth.break_glass.enable` / `.disable`, with the OS user), each use
 * writes `auth.break_glass.used` and a warning to the server log, and every signed-in admin sees a red
 * banner while any window is open (app/(console)/layout.tsx).
 */
import type { ActionContext } from "../../actions/action-context";
import { appendAuditEvent } from "../../audit/append-audit-event";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { log } from "../../log/logger";

export const BREAK_GLASS_DEFAULT_MINUTES = 60;
export const BREAK_GLASS_MAX_MINUTES = 24 * 60;

export type BreakGlassAccount = {
  role: string;
  source: string;
  passwordHash: string | null;
  mfaEnabledAt: Date | null;
  disabledAt: Date | null;
};

export const breakGlassAccountSelect = { id: true, email: true, role: true, source: true, passwordHash: true, mfaEnabledAt: true, disabledAt: true, breakGlassUntil: true } as const;

/** Why this account cannot be a break-glass account, or null when it can. Checked when enabling and at every use. */
export function breakGlassIneligibility(user: BreakGlassAccount): string | null {
  if (user.role !== "admin") return "Only an admin can be a break-glass account.";
  if (user.source !== "local" || !user.passwordHash) return "Only a local account with a password can be a break-glass account (this one signs in with single sign-on).";
  if (user.disabledAt) return "This account is disabled. Enable it first.";
  if (!user.mfaEnabledAt)
    return "This account has no authenticator (console TOTP) set up. A break-glass account must prove a second factor: sign it in once while password sign-in is on, or choose another admin.";
  return null;
}

export function breakGlassWindowOpen(user: { breakGlassUntil: Date | null }, now: Date = new Date()): boolean {
  return user.breakGlassUntil !== null && user.breakGlassUntil.getTime() > now.getTime();
}

/** May this account sign in with its password although password sign-in is off? Open window and still eligible. */
export function breakGlassUsable(user: BreakGlassAccount & { breakGlassUntil: Date | null }, now: Date = new Date()): boolean {
  return breakGlassWindowOpen(user, now) && breakGlassIneligibility(user) === null;
}

export type OpenBreakGlassWindow = { email: string; until: Date };

/** Every open window (for the console banner and `break-glass status`). */
export async function openBreakGlassWindows(now: Date = new Date()): Promise<OpenBreakGlassWindow[]> {
  const rows = await prisma().user.findMany({
    where: { breakGlassUntil: { gt: now } },
    orderBy: { breakGlassUntil: "asc" },
    select: { email: true, breakGlassUntil: true },
  });
  return rows.map((r) => ({ email: r.email, until: r.breakGlassUntil! }));
}

/** Whether this user's break-glass window is open now (the sign-in record says so). */
export async function breakGlassWindowOpenFor(userId: string, now: Date = new Date()): Promise<boolean> {
  const row = await prisma().user.findUnique({ where: { id: userId }, select: { breakGlassUntil: true } });
  return row ? breakGlassWindowOpen(row, now) : false;
}

export function parseBreakGlassMinutes(raw: string | undefined): number {
  if (raw === undefined) return BREAK_GLASS_DEFAULT_MINUTES;
  const minutes = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(minutes) || minutes < 1 || minutes > BREAK_GLASS_MAX_MINUTES)
    throw new AppError("INVALID_INPUT", `--minutes must be a whole number from 1 to ${BREAK_GLASS_MAX_MINUTES} (24 hours).`);
  return minutes;
}

/** Opens (or moves the end of) the window for this account. Refuses an account that cannot be break-glass. */
export async function enableBreakGlass(params: { email: string; until: Date }): Promise<{ userId: string; email: string; until: Date }> {
  const user = await prisma().user.findUnique({ where: { email: params.email }, select: breakGlassAccountSelect });
  if (!user) throw new AppError("NOT_FOUND", `No account for ${params.email}.`);
  const problem = breakGlassIneligibility(user);
  if (problem) throw new AppError("FORBIDDEN", problem);
  await prisma().user.update({ where: { id: user.id }, data: { breakGlassUntil: params.until }, select: { id: true } });
  log.warn("BREAK-GLASS window opened: this account may sign in with its password although password sign-in may be off", {
    email: user.email,
    until: params.until.toISOString(),
  });
  return { userId: user.id, email: user.email, until: params.until };
}

/**
 * Closes the window. When one was open, the account's sessions end too (and its pending sign-in challenges):
 * the emergency is over, and nothing signed in through it should outlive it.
 */
export async function disableBreakGlass(params: { email: string; now?: Date }): Promise<{ userId: string; email: string; wasOpen: boolean }> {
  const now = params.now ?? new Date();
  const user = await prisma().user.findUnique({ where: { email: params.email }, select: { id: true, email: true, breakGlassUntil: true } });
  if (!user) throw new AppError("NOT_FOUND", `No account for ${params.email}.`);
  const wasOpen = breakGlassWindowOpen(user, now);
  await prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { breakGlassUntil: null, ...(wasOpen ? { sessionsRevokedAt: now } : {}) }, select: { id: true } });
    if (wasOpen) {
      await tx.userSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
      await tx.mfaChallenge.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    }
  });
  if (wasOpen) log.warn("BREAK-GLASS window closed; the account's sessions ended", { email: user.email });
  return { userId: user.id, email: user.email, wasOpen };
}

/** A break-glass account passed the password step: the `auth.break_glass.used` row and a loud log line. */
export async function recordBreakGlassUse(ctx: ActionContext, user: { id: string; email: string; breakGlassUntil: Date | null }) {
  const until = user.breakGlassUntil?.toISOString() ?? null;
  log.warn("BREAK-GLASS SIGN-IN: password sign-in is off, and a break-glass account passed the password step", {
    email: user.email,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    until,
  });
  await appendAuditEvent({
    action: "auth.break_glass.used",
    resourceType: "user",
    resourceId: user.id,
    outcome: "succeeded",
    // Not signed in yet (the TOTP step follows): the account is the resource, like a failed sign-in's row.
    actor: null,
    params: { email: user.email, step: "password", breakGlass: true, until },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  });
}
