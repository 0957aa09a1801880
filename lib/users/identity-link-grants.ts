/**
 * Admin linking (Phase 7): a first SSO sign-in whose email belongs to an existing account is refused unless
 * an admin allowed it — a single-use grant for (that user, that provider), valid 72 hours. The sign-in
 * consumes it atomically (update … where used_at is null) in the same transaction that links the identity,
 * so two sign-ins racing for one grant link at most one identity.
 */
import type { Prisma } from "../db/generated/client";
import { prisma } from "../db/prisma";

export const LINK_GRANT_TTL_MS = 72 * 60 * 60 * 1000;

/** An unused, unexpired grant for this user and provider, or null. */
export async function findUsableLinkGrant(userId: string, providerId: string, now: Date): Promise<{ id: string } | null> {
  return prisma().identityLinkGrant.findFirst({
    where: { userId, providerId, usedAt: null, expiresAt: { gt: now } },
    orderBy: { expiresAt: "desc" },
    select: { id: true },
  });
}

/** Marks the grant used, only if it still is unused and unexpired; false when another sign-in got there first. */
export async function consumeLinkGrant(tx: Prisma.TransactionClient, grantId: string, now: Date): Promise<boolean> {
  const { count } = await tx.identityLinkGrant.updateMany({ where: { id: grantId, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1;
}
