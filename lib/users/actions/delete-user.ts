/**
 * Admin → Users → Delete: the account, its sessions, recovery codes and setup links go. Audit rows keep
 * the email and role the user acted with.
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { AppError } from "../../errors/app-error";
import { findUserForUpdate } from "../find-user";
import { assertNotLastEnabledAdmin } from "../last-admin-guard";
import { withUserAdministrationLock } from "../user-admin-lock";

export const deleteUserAction = defineAction({
  action: "user.delete",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input, { ctx }) =>
    withUserAdministrationLock(async (tx) => {
      if (input.userId === ctx.actor!.userId) throw new AppError("CONFLICT", "You cannot delete your own account. Ask another admin.");
      const user = await findUserForUpdate(tx, input.userId);
      await assertNotLastEnabledAdmin(tx, user, "delete");
      await tx.setupToken.deleteMany({ where: { email: user.email } });
      await tx.user.delete({ where: { id: user.id }, select: { id: true } });
      return { email: user.email };
    }),
});
