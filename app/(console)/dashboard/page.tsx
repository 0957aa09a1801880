import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ConsoleHealthCard } from "@/components/console-health-card";
import { EmptyState } from "@/components/empty-state";
import { DashboardIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { homeFor } from "@/lib/auth/console-nav";
import { can } from "@/lib/auth/policy";
import { requireActor } from "@/lib/auth/require-actor";
import { requirePermission } from "@/lib/auth/require-permission";
import { dashboardData } from "@/lib/dashboard/page-data";
import { DashboardLive } from "./dashboard-live";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const actor = await requireActor();
  // Auditors have no health view: send them to their own start page instead of a 403.
  if (!can(actor.role, "health.view")) redirect(homeFor(actor.role));
  await requirePermission("health.view", "/dashboard");
  const data = await dashboardData();
  return (
    <>
      <PageHeader title="Dashboard" description="Live health of your stack: containers, probes, engines and disk, refreshed every few seconds." />
      <div className="mt-6">
        {data.ok ? (
          <DashboardLive initialContainers={data.containers} initialHealth={data.health} consoleHealth={<ConsoleHealthCard />} />
        ) : (
          <div className="grid items-start gap-6 lg:grid-cols-5">
            <EmptyState className="lg:col-span-3" icon={DashboardIcon} title="Monitoring is not running" description={data.error} />
            <ConsoleHealthCard className="lg:col-span-2" />
          </div>
        )}
      </div>
    </>
  );
}
