/**
 * A dry run: the preflight and the plan, recorded as a `dry_run` row (status `planned`, or `refused`
 * with the blockers), and nothing else. It only reads: the backup files, the target's catalog
 * (describe, pg_restore --list, df). No container is stopped, no data is written to the target.
 */
import { appendAuditEvent } from "../audit/append-audit-event";
import { log } from "../log/logger";
import { prepareRestore, stripPreflight, type RestoreRequest } from "./execute-restore";
import type { PreflightResult } from "./preflight";
import { insertRestoreRun, type RestoreRunRow } from "./restore-runs";
import type { RestorePlan } from "./restore-types";

export type DryRunResult = { run: RestoreRunRow; preflight: PreflightResult; plan: RestorePlan | null };

export async function dryRunRestore(req: Omit<RestoreRequest, "kind" | "onStep" | "healthyTimeoutMs">): Promise<DryRunResult> {
  const target = req.restoreTarget.target;
  const { preflight, plan } = await prepareRestore({ ...req, kind: "restore" });
  const stored = stripPreflight(preflight);
  const run = await insertRestoreRun({
    kind: "dry_run",
    status: preflight.ok && plan ? "planned" : "refused",
    stack: target.stack,
    service: target.service,
    engine: target.kind,
    backupId: req.backupId,
    dropAndReplace: req.choices.dropAndReplace,
    reason: req.reason ?? null,
    requestedBy: req.requestedBy,
    preflight: stored,
    plan,
    error: preflight.ok ? null : `Would be refused: ${preflight.blockers.join(" | ")}`,
    auditCorrelationId: req.auditCorrelationId ?? null,
  });
  await appendAuditEvent({
    action: "restore.dry_run.result",
    resourceType: "restore",
    resourceId: run.id,
    outcome: "succeeded",
    actor: req.actor ?? { id: req.requestedBy.userId, email: req.requestedBy.email, role: null },
    params: { service: target.service, backupId: req.backupId, wouldRun: preflight.ok, blockers: preflight.blockers, steps: plan?.steps.map((s) => s.key) ?? [] },
    correlationId: req.auditCorrelationId ?? undefined,
  }).catch((error: unknown) => log.error("Could not audit a restore dry run", { runId: run.id, error }));
  return { run, preflight: stored, plan };
}
