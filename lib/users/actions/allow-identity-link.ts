/**
 * Admin → Users → Manage → "Allow sign-in with <provider>": the user's next SSO sign-in with that provider
 * (with the account's email) links the identity to their existing account, once, within 72 hours. Without
 * it such a sign-in is refused (an account is never taken over by email alone).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { oidcProvider } from "../../auth/oidc/config";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { LINK_GRANT_TTL_MS } from "../identity-link-grants";

export const allowIdentityLinkAction = defineAction({
  action: "users.identity.allow_link",
  permission: "users.manage",
  input: z.object({
    userId: z.uuid("Unknown user."),
    providerId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "Unknown identity provider."),
  }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input, { ctx }) => {
    const provider = oidcProvider(input.providerId);
    if (!provider) throw new AppError("NOT_FOUND", "That identity provider is not configured any more. Reload the page.");
    return prisma().$transaction(async (tx) => {
      const user = await tx.user.findUnique({
        where: { id: input.userId },
        select: { id: true, email: true, disabledAt: true, identities: { where: { providerId: provider.id }, select: { id: true } } },
      });
      if (!user) throw new AppError("NOT_FOUND", "That user no longer exists. Reload the page.");
      if (user.disabledAt) throw new AppError("CONFLICT", `${user.email} is disabled. Enable the account first, then allow the sign-in.`);
      if (user.identities.length > 0) throw new AppError("CONFLICT", `${user.email} is already linked to ${provider.name}. They can sign in with it now.`);
      const now = new Date();
      // One live grant per user and provider: a new one replaces any earlier unused one.
      await tx.identityLinkGrant.updateMany({ where: { userId: user.id, providerId: provider.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
      const grant = await tx.identityLinkGrant.create({
        data: { id: randomUUID(), userId: user.id, providerId: provider.id, createdBy: ctx.actor!.userId, createdAt: now, expiresAt: new Date(now.getTime() + LINK_GRANT_TTL_MS) },
        select: { id: true, expiresAt: true },
      });
      return { grantId: grant.id, email: user.email, providerName: provider.name, expiresAt: grant.expiresAt.toISOString() };
    });
  },
});
