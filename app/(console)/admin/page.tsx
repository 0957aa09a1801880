import type { Metadata } from "next";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { AdminIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <>
      <PageHeader title="Admin" description="Users, roles, sign-in methods and console settings." />
      <EmptyState
        className="mt-6"
        icon={AdminIcon}
        title="No users yet"
        description="Accounts and roles arrive with the identity phase. Until then the console has no sign-in."
      >
        <PlannedList
          items={[
            "Users with one of four roles: viewer, operator, admin, auditor",
            "Mandatory MFA for every account, and SSO through your OpenID Connect provider",
            "Console settings: Docker endpoints, stack configuration, backup storage",
          ]}
        />
      </EmptyState>
    </>
  );
}
