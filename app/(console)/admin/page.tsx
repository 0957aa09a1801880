import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { AdminIcon, ArrowRightIcon, KeyIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Admin" };

function SectionLink({ href, Icon, title, text }: { href: string; Icon: typeof AdminIcon; title: string; text: string }) {
  return (
    <Link
      href={href}
      className="group flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-xs hover:border-slate-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
    >
      <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-slate-900 text-sky-300">
        <Icon className="size-5" />
      </div>
      <div className="min-w-0 flex-1">
        <h2 className="font-semibold text-slate-900">{title}</h2>
        <p className="text-sm text-slate-600">{text}</p>
      </div>
      <ArrowRightIcon className="size-5 text-slate-400 group-hover:text-slate-700" />
    </Link>
  );
}

export default async function AdminPage() {
  await requirePermission("users.manage", "/admin");
  return (
    <>
      <PageHeader title="Admin" description="Users, roles, sign-in methods and console settings." />
      <div className="mt-6 grid gap-4">
        <SectionLink href="/admin/users" Icon={AdminIcon} title="Users" text="Invite people, change roles, disable accounts, reset MFA and end sessions." />
        <SectionLink
          href="/admin/sso"
          Icon={KeyIcon}
          title="Single sign-on"
          text="Your OpenID Connect providers checked now, the redirect URI to register at each, and how their groups map to roles."
        />
      </div>
      <EmptyState className="mt-6" icon={AdminIcon} title="Console settings" description="Settings arrive in a later phase.">
        <PlannedList items={["Console settings: Docker endpoints, stack configuration, backup storage"]} />
      </EmptyState>
    </>
  );
}
