/**
 * Admin → Users → Reset MFA (lost phone): the authenticator and recovery codes are removed and the user's
 * sessions end; at their next sign-in they enrol a new authenticator.
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";

export const resetUserMfaAction = defineAction({
  action: "user.mfa.reset",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input) =>
    prisma().$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.user.updateMany({
        where: { id: input.userId },
        data: { mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, sessionsRevokedAt: now },
      });
      if (count !== 1) throw new AppError("NOT_FOUND", "That user no longer exists. Reload the page.");
      await tx.recoveryCode.deleteMany({ where: { userId: input.userId } });
      await tx.userSession.updateMany({ where: { userId: input.userId, revokedAt: null }, data: { revokedAt: now } });
      return { reset: input.userId };
    }),
});
