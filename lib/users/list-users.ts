import "server-only";
/** Admin → Users list: the fields the table shows, for an actor who may manage users. */
import type { Actor } from "../actions/action-context";
import { can, type Role } from "../auth/policy";
import { prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { configuredProviderNames, providerLabel, sourceLabels } from "./identity-sources";

export type UserStatus = "active" | "invited" | "disabled";

/** One linked SSO identity, with its provider's display name (or "<id> (removed)"). */
export type UserIdentityRow = { id: string; providerId: string; providerName: string; providerRemoved: boolean; email: string | null; createdAt: Date; lastSignInAt: Date | null };

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
  /** "Local" and/or the identity providers' names. */
  sources: string[];
  identities: UserIdentityRow[];
  /** Unused, unexpired admin link grants ("Allow sign-in with …"). */
  linkGrants: { providerId: string; expiresAt: Date }[];
};

export async function listUsers(actor: Actor, now: Date = new Date()): Promise<UserRow[]> {
  if (!can(actor.role, "users.manage")) throw new AppError("FORBIDDEN", "Your role does not allow managing users.");
  const [users, invites] = await Promise.all([
    prisma().user.findMany({
      orderBy: [{ createdAt: "asc" }],
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        disabledAt: true,
        passwordHash: true,
        mfaEnabledAt: true,
        lastSignInAt: true,
        createdAt: true,
        identities: { orderBy: { createdAt: "asc" }, select: { id: true, providerId: true, email: true, createdAt: true, lastSignInAt: true } },
        linkGrants: { where: { usedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: "desc" }, select: { providerId: true, expiresAt: true } },
      },
    }),
    prisma().setupToken.findMany({
      where: { usedAt: null, expiresAt: { gt: now }, purpose: "invite" },
      select: { email: true, expiresAt: true },
      orderBy: { expiresAt: "desc" },
    }),
  ]);
  const inviteByEmail = new Map<string, Date>();
  for (const invite of invites) if (invite.email && !inviteByEmail.has(invite.email)) inviteByEmail.set(invite.email, invite.expiresAt);
  const { providers, readable } = configuredProviderNames();
  return users.map((u): UserRow => {
    const identities = u.identities.map((i) => {
      const label = providerLabel(i.providerId, providers, readable);
      return { ...i, providerName: label.name, providerRemoved: label.removed };
    });
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      // An SSO account has no password: it is active, not waiting for a setup link.
      status: u.disabledAt ? "disabled" : u.passwordHash || identities.length > 0 ? "active" : "invited",
      mfaEnrolled: Boolean(u.mfaEnabledAt),
      hasPassword: Boolean(u.passwordHash),
      lastSignInAt: u.lastSignInAt,
      createdAt: u.createdAt,
      inviteExpiresAt: inviteByEmail.get(u.email) ?? null,
      isSelf: u.id === actor.userId,
      sources: sourceLabels({ hasPassword: Boolean(u.passwordHash), identityNames: identities.map((i) => i.providerName) }),
      identities,
      linkGrants: u.linkGrants,
    };
  });
}
