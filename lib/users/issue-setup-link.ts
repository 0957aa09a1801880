/**
 * A new one-time setup link for an existing account: an invitation again when they never set a password,
 * otherwise a password reset (using it ends their other sessions). Earlier unused links stop working.
 */
import type { Prisma } from "../db/generated/client";
import { createSetupToken, INVITE_LINK_TTL_MS } from "../auth/setup-tokens";
import type { ManagedUser } from "./find-user";

export async function issueSetupLink(tx: Prisma.TransactionClient, user: ManagedUser) {
  await tx.setupToken.deleteMany({ where: { email: user.email, usedAt: null } });
  const purpose = user.passwordHash ? ("reset" as const) : ("invite" as const);
  const { token, expiresAt } = await createSetupToken({ purpose, email: user.email, role: user.role, ttlMs: INVITE_LINK_TTL_MS }, tx);
  return { token, expiresAt, purpose };
}
