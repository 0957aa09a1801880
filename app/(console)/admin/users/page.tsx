import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/card";
import { FormAlert } from "@/components/form-controls";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";
import { ConfigError, staleAdminDays } from "@/lib/config/env";
import { configuredProviderNames, providerLabel } from "@/lib/users/identity-sources";
import { listUsers } from "@/lib/users/list-users";
import { findStaleAdmins } from "@/lib/users/stale-admins";
import { InviteUserForm } from "./invite-user-form";
import { SsoSessionsCard, type SsoProviderScope } from "./sso-sessions-card";
import { StaleAdminsCard } from "./stale-admins-card";
import { UsersList, type UserRowView } from "./users-list";

export const metadata: Metadata = { title: "Users" };

const DEFAULT_STALE_DAYS = 30;

function readStaleDays(): { days: number; problem: string | null } {
  try {
    return { days: staleAdminDays(), problem: null };
  } catch (error) {
    if (error instanceof ConfigError) return { days: DEFAULT_STALE_DAYS, problem: error.problems.join(" ") };
    throw error;
  }
}

export default async function UsersPage() {
  const actor = await requirePermission("users.manage", "/admin/users");
  const now = new Date();
  const rows = await listUsers(actor, now);
  const { days, problem } = readStaleDays();
  const stale = findStaleAdmins(
    rows.map((u) => ({ id: u.id, email: u.email, role: u.role, disabled: u.status === "disabled", lastSignInAt: u.lastSignInAt, createdAt: u.createdAt })),
    { now, days },
  );
  const staleById = new Map(stale.map((s) => [s.id, s]));
  const users: UserRowView[] = rows.map((u) => ({
    ...u,
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    inviteExpiresAt: u.inviteExpiresAt?.toISOString() ?? null,
    identities: u.identities.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), lastSignInAt: i.lastSignInAt?.toISOString() ?? null })),
    linkGrants: u.linkGrants.map((g) => ({ providerId: g.providerId, expiresAt: g.expiresAt.toISOString() })),
    stale: staleById.has(u.id) ? { idleDays: staleById.get(u.id)!.idleDays, neverSignedIn: staleById.get(u.id)!.neverSignedIn } : null,
  }));
  const enabledAdmins = users.filter((u) => u.role === "admin" && u.status !== "disabled").length;

  // SSO: the configured providers (for "Allow sign-in with …") and every provider users are linked to,
  // removed ones included (their users may still hold sessions), for "Sign out all SSO users".
  const { providers, readable } = configuredProviderNames();
  const linkedCount = new Map<string, number>();
  for (const u of users) for (const id of new Set(u.identities.map((i) => i.providerId))) linkedCount.set(id, (linkedCount.get(id) ?? 0) + 1);
  const scopes: SsoProviderScope[] = [...new Set([...providers.map((p) => p.id), ...linkedCount.keys()])].map((id) => ({
    id,
    name: providerLabel(id, providers, readable).name,
    users: linkedCount.get(id) ?? 0,
  }));
  const ssoUsers = users.filter((u) => u.identities.length > 0).length;
  const showSso = providers.length > 0 || ssoUsers > 0;

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can use this console and with which role. Every account signs in with a password and an authenticator app, or through an identity provider (SSO); every change here is audited."
      />
      <div className="mt-6 space-y-6">
        {problem ? <FormAlert tone="warning">{`${problem} Using ${DEFAULT_STALE_DAYS} days until it is fixed.`}</FormAlert> : null}
        <StaleAdminsCard
          days={days}
          admins={stale.map((s) => ({ id: s.id, email: s.email, idleDays: s.idleDays, neverSignedIn: s.neverSignedIn, isSelf: s.id === actor.userId }))}
        />
        <Card title="Invite a user" description="Creates the account and a one-time setup link (valid 72 hours) for them to choose a password and set up MFA.">
          <InviteUserForm />
        </Card>
        <Card
          title={`${users.length} user${users.length === 1 ? "" : "s"}`}
          description={`${enabledAdmins} enabled admin${enabledAdmins === 1 ? "" : "s"}. The last enabled admin cannot be demoted, disabled or deleted. Admins without a sign-in for ${days} days are flagged.`}
        >
          <UsersList users={users} now={now.toISOString()} providers={providers} />
        </Card>
        {showSso ? (
          <Card
            title="Single sign-on sessions"
            actions={
              <Link href="/admin/sso" className="text-sm font-medium text-sky-700 hover:underline">
                Check the SSO setup →
              </Link>
            }
            description={`${ssoUsers === 0 ? "No user signs in through an identity provider yet" : ssoUsers === 1 ? "1 user signs in through an identity provider" : `${ssoUsers} users sign in through an identity provider`}. Sign them all out to make a change at the identity provider (a removed group, a disabled account) take effect now instead of at their next sign-in.`}
          >
            <SsoSessionsCard providers={scopes} ssoUsers={ssoUsers} actorIsSso={users.some((u) => u.isSelf && u.identities.length > 0)} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
