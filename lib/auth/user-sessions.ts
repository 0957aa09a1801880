/**
 * Signed-in browsers (user_sessions). The next-auth JWT carries only the session id and user id; every
 * request re-checks the row here: not revoked, not expired, created after the user's "revoke all
 * sessions" instant, user not disabled and enrolled in MFA. Role and email come from the database,
 * so a role change or a disable takes effect on the next request.
 */
import type { Actor } from "../actions/action-context";
import type { Prisma } from "../db/generated/client";
import { prisma } from "../db/prisma";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
const LAST_SEEN_RESOLUTION_MS = 60_000;

export async function createUserSession(
  tx: Prisma.TransactionClient,
  params: { userId: string; ip: string | null; userAgent: string | null; mfaAt: Date; now?: Date },
): Promise<{ id: string; expiresAt: Date }> {
  const now = params.now ?? new Date();
  return tx.userSession.create({
    data: {
      userId: params.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
      mfaAt: params.mfaAt,
      ip: params.ip?.slice(0, 100) ?? null,
      userAgent: params.userAgent?.slice(0, 500) ?? null,
    },
    select: { id: true, expiresAt: true },
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The actor for a session id + user id from a token, or null when the session no longer counts. */
export async function resolveActiveSession(params: { sessionId: unknown; userId: unknown; now?: Date }): Promise<Actor | null> {
  const { sessionId, userId } = params;
  if (typeof sessionId !== "string" || typeof userId !== "string" || !UUID.test(sessionId) || !UUID.test(userId)) return null;
  const now = params.now ?? new Date();
  const row = await prisma().userSession.findUnique({
    where: { id: sessionId },
    select: {
      userId: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      lastSeenAt: true,
      mfaAt: true,
      user: { select: { email: true, role: true, disabledAt: true, sessionsRevokedAt: true, mfaEnabledAt: true } },
    },
  });
  if (!row || row.userId !== userId) return null;
  if (row.revokedAt || row.expiresAt <= now) return null;
  const { user } = row;
  if (user.disabledAt) return null;
  // A local account counts only once its TOTP is enrolled. An SSO account (linked identity) may have a session
  // without console TOTP: such sessions are issued only when the IdP proved MFA (lib/auth/oidc/sign-in-with-oidc.ts).
  // Looked up only in that rare case, not on every request.
  if (!user.mfaEnabledAt && !(await prisma().userIdentity.findFirst({ where: { userId }, select: { id: true } }))) return null;
  if (user.sessionsRevokedAt && row.createdAt <= user.sessionsRevokedAt) return null;

  if (now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await prisma().userSession.updateMany({
      where: { id: sessionId, lastSeenAt: { lte: new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS) } },
      data: { lastSeenAt: now },
    });
  }
  return { userId, email: user.email, role: user.role, sessionId, mfaAt: row.mfaAt };
}

export type OwnSessionView = { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null; current: boolean };

/** The user's sessions that still count, newest first. */
export async function listActiveSessions(actor: Pick<Actor, "userId" | "sessionId">, now: Date = new Date()): Promise<OwnSessionView[]> {
  const user = await prisma().user.findUnique({ where: { id: actor.userId }, select: { sessionsRevokedAt: true } });
  const rows = await prisma().userSession.findMany({
    where: {
      userId: actor.userId,
      revokedAt: null,
      expiresAt: { gt: now },
      ...(user?.sessionsRevokedAt ? { createdAt: { gt: user.sessionsRevokedAt } } : {}),
    },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true },
    take: 100,
  });
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}
