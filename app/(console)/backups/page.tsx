import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { BackupIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/policy";
import { requirePermission } from "@/lib/auth/require-permission";
import { backupsPageData } from "@/lib/backups/backups-page-data";
import { BackupsLive } from "./backups-live";
import { RetentionPolicyForm } from "./retention-panel";

export const metadata: Metadata = { title: "Backups" };
export const dynamic = "force-dynamic";

export default async function BackupsPage() {
  const actor = await requirePermission("backups.view", "/backups");
  const data = await backupsPageData({ role: actor.role });
  const permissions = { run: can(actor.role, "backups.run"), manage: can(actor.role, "backups.manage") };
  return (
    <>
      <PageHeader
        title="Backups"
        description="Backups of the stack's Postgres, ClickHouse, Redis, MongoDB and data volumes: history, live progress, schedules, retention and verification."
      />
      <div className="mt-6 space-y-6">
        {!data.ok ? (
          <EmptyState icon={BackupIcon} title="Backups cannot be listed" description={data.error} />
        ) : data.services.length === 0 ? (
          <EmptyState
            icon={BackupIcon}
            title="No back-up-able services in opsdeck.yaml"
            description={
              data.configFile ? (
                <>
                  <span className="font-mono text-xs break-all">{data.configFile}</span> lists no service of kind postgres, clickhouse, redis, mongodb or volume.
                </>
              ) : (
                "No stack config file is set (OPSDECK_CONFIG), so Opsdeck does not know which containers hold data."
              )
            }
          >
            <div className="rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-slate-200 ring-inset">
              <p className="text-sm text-slate-700">
                Add a service of kind <code className="font-mono">postgres</code> (or clickhouse, redis, mongodb, volume) with its compose project and a connection whose password comes from an environment variable, then restart the console:
              </p>
              <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-relaxed text-slate-100">{`services:
  db:
    kind: postgres
    project: posthog
    connection:
      user: posthog
      database: posthog
      passwordEnv: POSTHOG_PG_PASSWORD`}</pre>
              <p className="mt-2 text-xs text-slate-600">opsdeck.example.yaml in the repository has the whole PostHog stack.</p>
            </div>
          </EmptyState>
        ) : (
          <>
            <BackupsLive services={data.services} initialHistory={data.history} schedules={data.schedules} retention={data.retention} permissions={permissions} />
            {permissions.manage && data.policy ? <RetentionPolicyForm policy={data.policy} /> : null}
          </>
        )}
      </div>
    </>
  );
}
