/** Admin → Users → Enable: the account may sign in again (its old sessions stay ended). */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";

export const enableUserAction = defineAction({
  action: "user.enable",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input) => {
    const { count } = await prisma().user.updateMany({ where: { id: input.userId }, data: { disabledAt: null } });
    if (count !== 1) throw new AppError("NOT_FOUND", "That user no longer exists. Reload the page.");
    return { enabled: input.userId };
  },
});
