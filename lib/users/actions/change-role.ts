/** Admin → Users → Role. Takes effect on the user's next request (the role is read from the database each time). */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { ROLES } from "../../auth/policy";
import { findUserForUpdate } from "../find-user";
import { assertNotLastEnabledAdmin } from "../last-admin-guard";
import { withUserAdministrationLock } from "../user-admin-lock";

export const changeUserRoleAction = defineAction({
  action: "user.role.change",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user."), role: z.enum(ROLES, "Choose a role.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input) =>
    withUserAdministrationLock(async (tx) => {
      const user = await findUserForUpdate(tx, input.userId);
      if (user.role === input.role) return { email: user.email, from: user.role, to: input.role };
      if (input.role !== "admin") await assertNotLastEnabledAdmin(tx, user, "demote");
      await tx.user.update({ where: { id: user.id }, data: { role: input.role }, select: { id: true } });
      return { email: user.email, from: user.role, to: input.role };
    }),
});
