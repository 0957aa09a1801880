/**
 * Admin → Users → "Sign out all SSO users": every user with at least one SSO identity (optionally: with an
 * identity at one provider) must sign in again — through the IdP, so group changes there apply at once.
 * Local-only accounts keep their sessions. The count goes into the audit log (a `.result` row, same correlation).
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { appendAuditEvent } from "../../audit/append-audit-event";
import { prisma } from "../../db/prisma";
import { log } from "../../log/logger";

export const revokeSsoSessionsAction = defineAction({
  action: "users.sessions.revoke_sso",
  permission: "users.manage",
  input: z.object({
    // A removed provider's id is accepted too: its users may still hold sessions.
    providerId: z.preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "Unknown identity provider.").optional(),
    ),
  }),
  resourceType: "user",
  resourceId: (input) => (input.providerId ? `provider:${input.providerId}` : "sso:all"),
  run: async (input, { ctx, correlationId }) => {
    const now = new Date();
    const scope = { identities: { some: input.providerId ? { providerId: input.providerId } : {} } };
    const result = await prisma().$transaction(async (tx) => {
      const users = await tx.user.updateMany({ where: scope, data: { sessionsRevokedAt: now } });
      const sessions = await tx.userSession.updateMany({ where: { user: scope, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } });
      return { usersSignedOut: users.count, sessionsEnded: sessions.count };
    });
    await appendAuditEvent({
      action: "users.sessions.revoke_sso.result",
      resourceType: "user",
      resourceId: input.providerId ? `provider:${input.providerId}` : "sso:all",
      outcome: "succeeded",
      actor: ctx.actor ? { id: ctx.actor.userId, email: ctx.actor.email, role: ctx.actor.role } : null,
      params: { providerId: input.providerId ?? null, ...result },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      requestId: ctx.requestId,
      correlationId,
    }).catch((error: unknown) => log.error("Could not audit the SSO sign-out count", { correlationId, error }));
    return { ...result, providerId: input.providerId ?? null };
  },
});
