/** Admin → Users → Disable: the account cannot sign in, and its sessions end at their next request. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { AppError } from "../../errors/app-error";
import { findUserForUpdate } from "../find-user";
import { assertNotLastEnabledAdmin } from "../last-admin-guard";
import { withUserAdministrationLock } from "../user-admin-lock";

export const disableUserAction = defineAction({
  action: "user.disable",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input, { ctx }) =>
    withUserAdministrationLock(async (tx) => {
      if (input.userId === ctx.actor!.userId) throw new AppError("CONFLICT", "You cannot disable your own account. Ask another admin.");
      const user = await findUserForUpdate(tx, input.userId);
      if (user.disabledAt) return { email: user.email };
      await assertNotLastEnabledAdmin(tx, user, "disable");
      const now = new Date();
      await tx.user.update({ where: { id: user.id }, data: { disabledAt: now, sessionsRevokedAt: now }, select: { id: true } });
      await tx.userSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
      return { email: user.email };
    }),
});
