import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { AdminIcon, ArrowRightIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  await requirePermission("users.manage", "/admin");
  return (
    <>
      <PageHeader title="Admin" description="Users, roles, sign-in methods and console settings." />
      <Link
        href="/admin/users"
        className="group mt-6 flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-xs hover:border-slate-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-slate-900 text-sky-300">
          <AdminIcon className="size-5" />
        </div>
        <div className="min-w-0 flex-1">
          <h2 className="font-semibold text-slate-900">Users</h2>
          <p className="text-sm text-slate-600">Invite people, change roles, disable accounts, reset MFA and end sessions.</p>
        </div>
        <ArrowRightIcon className="size-5 text-slate-400 group-hover:text-slate-700" />
      </Link>
      <EmptyState className="mt-6" icon={AdminIcon} title="Console settings" description="Settings arrive in a later phase.">
        <PlannedList
          items={[
            "SSO through your OpenID Connect provider",
            "Console settings: Docker endpoints, stack configuration, backup storage",
          ]}
        />
      </EmptyState>
    </>
  );
}
