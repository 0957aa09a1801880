/** Admin → Users → Sign out everywhere: every session of the user ends at its next request. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";

export const revokeUserSessionsAction = defineAction({
  action: "user.sessions.revoke",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input) =>
    prisma().$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.user.updateMany({ where: { id: input.userId }, data: { sessionsRevokedAt: now } });
      if (count !== 1) throw new AppError("NOT_FOUND", "That user no longer exists. Reload the page.");
      const ended = await tx.userSession.updateMany({ where: { userId: input.userId, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } });
      return { sessionsEnded: ended.count };
    }),
});
