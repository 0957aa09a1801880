/** Admin → Users → Invite: creates the account and returns its one-time setup link (shown once to copy). */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { ROLES } from "../../auth/policy";
import { createUser } from "../create-user";

export const createUserAction = defineAction({
  action: "user.create",
  permission: "users.manage",
  input: z.object({
    email: z.string().trim().toLowerCase().max(320, "Use at most 320 characters.").pipe(z.email("Enter a valid email address.")),
    name: z
      .string()
      .trim()
      .max(100, "Use at most 100 characters.")
      .optional()
      .transform((v) => (v ? v : undefined)),
    role: z.enum(ROLES, "Choose a role."),
  }),
  resourceType: "user",
  params: (input) => ({ email: input.email, name: input.name, role: input.role }),
  run: async (input) => {
    const created = await createUser({ email: input.email, name: input.name, role: input.role });
    return { userId: created.userId, email: created.email, setupPath: `/setup/${created.setupToken!.token}`, expiresAt: created.setupToken!.expiresAt.toISOString() };
  },
});
