import "server-only";
/** Admin → Users list: the fields the table shows, for an actor who may manage users. */
import type { Actor } from "../actions/action-context";
import { can, type Role } from "../auth/policy";
import { prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";

export type UserStatus = "active" | "invited" | "disabled";

export type UserRow = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: UserStatus;
  mfaEnrolled: boolean;
  hasPassword: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
  inviteExpiresAt: Date | null;
  isSelf: boolean;
};

export async function listUsers(actor: Actor, now: Date = new Date()): Promise<UserRow[]> {
  if (!can(actor.role, "users.manage")) throw new AppError("FORBIDDEN", "Your role does not allow managing users.");
  const [users, invites] = await Promise.all([
    prisma().user.findMany({
      orderBy: [{ createdAt: "asc" }],
      select: { id: true, email: true, name: true, role: true, disabledAt: true, passwordHash: true, mfaEnabledAt: true, lastSignInAt: true, createdAt: true },
    }),
    prisma().setupToken.findMany({
      where: { usedAt: null, expiresAt: { gt: now }, purpose: "invite" },
      select: { email: true, expiresAt: true },
      orderBy: { expiresAt: "desc" },
    }),
  ]);
  const inviteByEmail = new Map<string, Date>();
  for (const invite of invites) if (invite.email && !inviteByEmail.has(invite.email)) inviteByEmail.set(invite.email, invite.expiresAt);
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    status: u.disabledAt ? "disabled" : u.passwordHash ? "active" : "invited",
    mfaEnrolled: Boolean(u.mfaEnabledAt),
    hasPassword: Boolean(u.passwordHash),
    lastSignInAt: u.lastSignInAt,
    createdAt: u.createdAt,
    inviteExpiresAt: inviteByEmail.get(u.email) ?? null,
    isSelf: u.id === actor.userId,
  }));
}
