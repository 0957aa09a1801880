/**
 * Admin → Users → Manage → Unlink: removes one SSO identity from an account (that provider no longer signs
 * them in; a later sign-in with it is treated as new: refused when the email is taken, unless allowed again).
 * The user is signed out everywhere. Refused when it is the only way an enabled user without a password
 * can sign in: that would lock them out for good.
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { AppError } from "../../errors/app-error";
import { configuredProviderNames, providerLabel } from "../identity-sources";
import { withUserAdministrationLock } from "../user-admin-lock";

export const unlinkIdentityAction = defineAction({
  action: "users.identity.unlink",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user."), identityId: z.uuid("Unknown identity.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input) =>
    // The administration lock: two unlinks of the same user's last two identities cannot both pass the check.
    withUserAdministrationLock(async (tx) => {
      const user = await tx.user.findUnique({
        where: { id: input.userId },
        select: { id: true, email: true, disabledAt: true, passwordHash: true, identities: { select: { id: true, providerId: true, subject: true } } },
      });
      if (!user) throw new AppError("NOT_FOUND", "That user no longer exists. Reload the page.");
      const identity = user.identities.find((i) => i.id === input.identityId);
      if (!identity) throw new AppError("NOT_FOUND", "That sign-in method is no longer linked to this user. Reload the page.");
      const { providers, readable } = configuredProviderNames();
      const providerName = providerLabel(identity.providerId, providers, readable).name;
      if (!user.passwordHash && user.identities.length === 1 && !user.disabledAt)
        throw new AppError(
          "CONFLICT",
          `${providerName} is the only way ${user.email} can sign in: they have no console password. Unlinking it would lock them out. ` +
            "Disable the account first if that is what you want, or give them a password (New setup link) and unlink once they have set it.",
        );
      const now = new Date();
      await tx.userIdentity.delete({ where: { id: identity.id }, select: { id: true } });
      // Whatever the provider let them do ends now: every session, local or SSO, must sign in again.
      await tx.user.update({ where: { id: user.id }, data: { sessionsRevokedAt: now }, select: { id: true } });
      await tx.userSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
      return { email: user.email, providerId: identity.providerId, providerName, subject: identity.subject };
    }),
});
