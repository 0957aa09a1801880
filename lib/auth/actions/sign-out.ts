/** Sign-out: ends this browser's session server-side (the token alone is no longer enough). */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";

export const signOutAction = defineAction({
  action: "auth.signout",
  permission: "self.manage",
  input: z.object({}),
  resourceType: "session",
  run: async (_input, { ctx }) => {
    const sessionId = ctx.actor!.sessionId;
    await prisma().userSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
    return { sessionId };
  },
});
