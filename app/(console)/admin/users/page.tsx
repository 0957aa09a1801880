import type { Metadata } from "next";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";
import { listUsers } from "@/lib/users/list-users";
import { InviteUserForm } from "./invite-user-form";
import { UsersList, type UserRowView } from "./users-list";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requirePermission("users.manage", "/admin/users");
  const now = new Date();
  const users: UserRowView[] = (await listUsers(actor, now)).map((u) => ({
    ...u,
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    inviteExpiresAt: u.inviteExpiresAt?.toISOString() ?? null,
  }));
  const enabledAdmins = users.filter((u) => u.role === "admin" && u.status !== "disabled").length;

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can use this console and with which role. Every account signs in with a password and an authenticator app; every change here is audited."
      />
      <div className="mt-6 space-y-6">
        <Card title="Invite a user" description="Creates the account and a one-time setup link (valid 72 hours) for them to choose a password and set up MFA.">
          <InviteUserForm />
        </Card>
        <Card
          title={`${users.length} user${users.length === 1 ? "" : "s"}`}
          description={`${enabledAdmins} enabled admin${enabledAdmins === 1 ? "" : "s"}. The last enabled admin cannot be demoted, disabled or deleted.`}
        >
          <UsersList users={users} now={now.toISOString()} />
        </Card>
      </div>
    </>
  );
}
