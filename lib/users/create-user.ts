/**
 * Creates an account. With a password it can sign in at once (and is sent to MFA enrolment first);
 * without one it gets a one-time setup link (an invitation, valid 72 hours) to set password and MFA.
 * Shared by Admin → Users and the CLI.
 */
import { hashPassword } from "../auth/password-hashing";
import { passwordProblem } from "../auth/password-policy";
import type { Role } from "../auth/policy";
import { createSetupToken, INVITE_LINK_TTL_MS } from "../auth/setup-tokens";
import { AppError } from "../errors/app-error";
import { withUserAdministrationLock } from "./user-admin-lock";

export type CreatedUser = { userId: string; email: string; role: Role; setupToken: { token: string; expiresAt: Date } | null };

export async function createUser(params: { email: string; name?: string | null; role: Role; password?: string | null }): Promise<CreatedUser> {
  const email = params.email.trim().toLowerCase();
  if (params.password != null) {
    const problem = passwordProblem(params.password, { email });
    if (problem) throw new AppError("INVALID_INPUT", problem);
  }
  const passwordHash = params.password != null ? await hashPassword(params.password) : null;
  return withUserAdministrationLock(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new AppError("CONFLICT", `An account for ${email} exists already.`);
    const user = await tx.user.create({ data: { email, name: params.name?.trim() || null, role: params.role, passwordHash }, select: { id: true } });
    const setupToken = passwordHash ? null : await createSetupToken({ purpose: "invite", email, role: params.role, ttlMs: INVITE_LINK_TTL_MS }, tx);
    return { userId: user.id, email, role: params.role, setupToken };
  });
}
