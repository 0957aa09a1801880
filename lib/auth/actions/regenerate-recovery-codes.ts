/** New recovery codes for the signed-in user; the old ones stop working. Returned once, stored hashed. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { replaceRecoveryCodes } from "../recovery-codes";

export const regenerateRecoveryCodesAction = defineAction({
  action: "user.recovery-codes.regenerate",
  permission: "self.manage",
  input: z.object({}),
  resourceType: "user",
  run: async (_input, { ctx }) => {
    const userId = ctx.actor!.userId;
    const recoveryCodes = await prisma().$transaction((tx) => replaceRecoveryCodes(tx, userId));
    return { recoveryCodes };
  },
});
