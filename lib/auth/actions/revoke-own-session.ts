/** A user ends one of their own sessions (another browser, a lost laptop). Only their own: any other id is refused. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";

export const revokeOwnSessionAction = defineAction({
  action: "session.revoke",
  permission: "self.manage",
  input: z.object({ sessionId: z.uuid("Unknown session.") }),
  resourceType: "session",
  resourceId: (input) => input.sessionId,
  run: async (input, { ctx }) => {
    const { count } = await prisma().userSession.updateMany({
      where: { id: input.sessionId, userId: ctx.actor!.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count !== 1) throw new AppError("NOT_FOUND", "That session is not one of yours, or it has ended already.");
    return { revoked: input.sessionId, current: input.sessionId === ctx.actor!.sessionId };
  },
});
