/** Admin → Users → New setup link: an invitation again, or a password reset for an account that has one. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { findUserForUpdate } from "../find-user";
import { issueSetupLink } from "../issue-setup-link";
import { withUserAdministrationLock } from "../user-admin-lock";

export const issueSetupLinkAction = defineAction({
  action: "user.setup-link.issue",
  permission: "users.manage",
  input: z.object({ userId: z.uuid("Unknown user.") }),
  resourceType: "user",
  resourceId: (input) => input.userId,
  run: async (input) =>
    withUserAdministrationLock(async (tx) => {
      const user = await findUserForUpdate(tx, input.userId);
      const link = await issueSetupLink(tx, user);
      return { email: user.email, purpose: link.purpose, setupPath: `/setup/${link.token}`, expiresAt: link.expiresAt.toISOString() };
    }),
});
