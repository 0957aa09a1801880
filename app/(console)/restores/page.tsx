import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { StatusBadge, type Status } from "@/components/status-badge";
import { requirePermission } from "@/lib/auth/require-permission";
import { restorableServices, restoreHistory, type RestorableService } from "@/lib/restores/restore-page-data";
import { DrillButton } from "./drill-button";
import { RunningBadge } from "./plan-view";
import { RestoreWizard } from "./restore-wizard";

export const metadata: Metadata = { title: "Restores" };

const STATUS_LABEL: Record<string, string> = { planned: "Planned", running: "Running", succeeded: "Succeeded", failed: "Failed", refused: "Refused", interrupted: "Interrupted" };
const KIND_LABEL: Record<string, string> = { restore: "Restore", rollback: "Rollback", drill: "Restore drill", dry_run: "Dry run" };
const STATUS: Record<string, Status> = { planned: "unknown", running: "warn", succeeded: "ok", failed: "critical", refused: "critical", interrupted: "critical" };

export default async function RestoresPage() {
  await requirePermission("restores.run", "/restores");
  let services: RestorableService[] = [];
  let configProblem: string | null = null;
  try {
    services = await restorableServices();
  } catch (error) {
    configProblem = error instanceof Error ? error.message : String(error);
  }
  const history = await restoreHistory(50);
  return (
    <>
      <PageHeader
        title="Restores"
        description="Guided restores from a backup: preflight checks, the exact plan, a typed confirmation with a fresh MFA check, and a safety backup of the current data before anything is overwritten."
      />
      <div className="mt-6 space-y-6">
        {configProblem ? <p role="alert" className="text-sm text-red-800">The stack config cannot be read: {configProblem}</p> : null}
        <Card title="New restore" description="Choose a backup, read the preflight and the plan, then confirm. Nothing changes before you confirm.">
          <RestoreWizard services={services} />
        </Card>
        {services.some((s) => s.drill) ? (
          <Card title="Restore drills" description="Restore the latest backup into a throwaway container, verify the counts, remove it — production is not touched.">
            <div className="flex flex-wrap gap-3">
              {services.filter((s) => s.drill).map((s) => (
                <DrillButton key={s.key} service={s.key} />
              ))}
            </div>
          </Card>
        ) : null}
        <Card title="History">
          {history.length === 0 ? (
            <p className="text-sm text-slate-600">No restores, rollbacks, drills or dry runs yet.</p>
          ) : (
            <ul className="-my-2 divide-y divide-slate-200" data-testid="restore-history">
              {history.map((r) => (
                <li key={r.id} className="flex flex-col items-start gap-1 py-2.5 sm:flex-row sm:gap-3">
                  {r.status === "running" ? <RunningBadge label="Running" /> : <StatusBadge status={STATUS[r.status] ?? "unknown"} label={STATUS_LABEL[r.status] ?? r.status} className="shrink-0" />}
                  <div className="min-w-0 flex-1">
                    <Link href={`/restores/${r.id}`} className="text-sm font-medium text-sky-800 underline">
                      {KIND_LABEL[r.kind] ?? r.kind} of {r.service}
                    </Link>
                    <span className="block font-mono text-xs break-all text-slate-600">from {r.backupId}</span>
                    {r.failedStep ? <span className="block text-xs text-red-800">failed at {r.steps.find((s) => s.key === r.failedStep)?.title ?? r.failedStep}</span> : null}
                  </div>
                  <span className="shrink-0 text-xs text-slate-600 sm:text-right">
                    {r.createdAt.replace("T", " ").slice(0, 16)} UTC
                    {r.requestedBy ? <span className="block break-all">{r.requestedBy}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
