import type { Metadata } from "next";
import { ConsoleHealthCard } from "@/components/console-health-card";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { DashboardIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { redirect } from "next/navigation";
import { homeFor } from "@/lib/auth/console-nav";
import { can } from "@/lib/auth/policy";
import { requireActor } from "@/lib/auth/require-actor";
import { requirePermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const actor = await requireActor();
  // Auditors have no health view: send them to their own start page instead of a 403.
  if (!can(actor.role, "health.view")) redirect(homeFor(actor.role));
  await requirePermission("health.view", "/dashboard");
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Live health of your stack: containers, disk and databases, refreshed every few seconds."
      />
      <div className="mt-6 grid items-start gap-6 lg:grid-cols-5">
        <ConsoleHealthCard className="lg:col-span-2" />
        <EmptyState
          className="lg:col-span-3"
          icon={DashboardIcon}
          title="No stack connected yet"
          description="Opsdeck is not connected to a Docker engine yet, so there are no containers to show. Stack health arrives in a later phase."
        >
          <PlannedList
            items={[
              "Every container's state, health check, restarts, CPU and memory, grouped by compose project",
              "Disk usage of data volumes",
              "Postgres, ClickHouse and Redis probes, plus your app's own health endpoints",
            ]}
          />
        </EmptyState>
      </div>
    </>
  );
}
