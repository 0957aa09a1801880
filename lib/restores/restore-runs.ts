/**
 * restore_runs: one row per restore, rollback, drill or dry run, updated step by step (invariant 7).
 * Steps are a JSON array on the row; each change writes the whole array with the current/last
 * completed step, progress and a heartbeat. At most one restore/rollback per service runs at a time
 * (partial unique index → CONFLICT naming the run in progress).
 *
 * `recoverInterruptedRestoreRuns` (call at console start, after migrations, like the backups'
 * recoverInterruptedRuns): a running row whose owner process is gone or whose heartbeat is stale
 * becomes `interrupted`, keeping its last completed step, and is audited.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { appendAuditEvent } from "../audit/append-audit-event";
import { processOwner } from "../backups/backup-runs";
import { pool } from "../db/pool";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import type { DependentLeftStopped, PreflightReport, RequestedByUser, RestoreKind, RestorePlan, RestoreStatus, StepRecord } from "./restore-types";

export type RestoreRunRow = {
  id: string;
  kind: RestoreKind;
  status: RestoreStatus;
  stack: string;
  service: string;
  engine: string;
  backupId: string;
  safetyBackupId: string | null;
  rollbackOf: string | null;
  dropAndReplace: boolean;
  reason: string | null;
  requestedById: string | null;
  requestedByEmail: string | null;
  preflight: PreflightReport | null;
  plan: RestorePlan | null;
  steps: StepRecord[];
  currentStep: string | null;
  lastCompletedStep: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  percent: number | null;
  owner: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  error: string | null;
  failedStep: string | null;
  dependentsLeftStopped: DependentLeftStopped[] | null;
  report: Record<string, unknown> | null;
  auditCorrelationId: string | null;
};

const COLUMNS = `id, kind, status, stack, service, engine, backup_id as "backupId", safety_backup_id as "safetyBackupId", rollback_of as "rollbackOf",
  drop_and_replace as "dropAndReplace", reason, requested_by_id as "requestedById", requested_by_email as "requestedByEmail", preflight, plan, steps,
  current_step as "currentStep", last_completed_step as "lastCompletedStep", bytes_done::float8 as "bytesDone", bytes_total::float8 as "bytesTotal", percent,
  owner, created_at as "createdAt", started_at as "startedAt", finished_at as "finishedAt", heartbeat_at as "heartbeatAt", error, failed_step as "failedStep",
  dependents_left_stopped as "dependentsLeftStopped", report, audit_correlation_id as "auditCorrelationId"`;

export type NewRestoreRun = {
  kind: RestoreKind;
  status: "planned" | "running" | "refused";
  stack: string;
  service: string;
  engine: string;
  backupId: string;
  rollbackOf?: string | null;
  dropAndReplace: boolean;
  reason?: string | null;
  requestedBy: RequestedByUser;
  preflight?: PreflightReport | null;
  plan?: RestorePlan | null;
  steps?: StepRecord[];
  bytesTotal?: number | null;
  error?: string | null;
  auditCorrelationId?: string | null;
};

/** Inserts a run; a running restore/rollback claims the service (CONFLICT when another one runs). */
export async function insertRestoreRun(input: NewRestoreRun): Promise<RestoreRunRow> {
  const id = randomUUID();
  const running = input.status === "running";
  try {
    const { rows } = await pool().query<RestoreRunRow>(
      `insert into restore_runs (id, kind, status, stack, service, engine, backup_id, rollback_of, drop_and_replace, reason, requested_by_id, requested_by_email,
                                 preflight, plan, steps, bytes_total, owner, started_at, heartbeat_at, finished_at, error, audit_correlation_id)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13::jsonb,$14::jsonb,$15::jsonb,$16,$17,
               case when $18 then now() end, now(), case when $18 then null else now() end, $19, $20)
       returning ${COLUMNS}`,
      [id, input.kind, input.status, input.stack, input.service, input.engine, input.backupId, input.rollbackOf ?? null, input.dropAndReplace, input.reason ?? null,
        input.requestedBy.userId, input.requestedBy.email, JSON.stringify(input.preflight ?? null), JSON.stringify(input.plan ?? null), JSON.stringify(input.steps ?? []),
        input.bytesTotal ?? null, running ? processOwner() : null, running, input.error ?? null, input.auditCorrelationId ?? null],
    );
    return rows[0]!;
  } catch (error) {
    if ((error as { code?: string }).code === "23505" && (error as { constraint?: string }).constraint === "restore_runs_one_active_per_service") {
      const active = await activeRestoreRun(input.stack, input.service);
      const since = active?.startedAt ? ` (started ${active.startedAt.toISOString().replace("T", " ").slice(0, 19)} UTC by ${active.requestedByEmail ?? "the console"})` : "";
      throw new AppError("CONFLICT", `A ${active?.kind ?? "restore"} of ${input.service} is already running${since}. Only one restore per service runs at a time.`, { cause: error });
    }
    throw error;
  }
}

export async function activeRestoreRun(stack: string, service: string): Promise<RestoreRunRow | null> {
  const { rows } = await pool().query<RestoreRunRow>(`select ${COLUMNS} from restore_runs where stack = $1 and service = $2 and status = 'running' and kind in ('restore','rollback') limit 1`, [stack, service]);
  return rows[0] ?? null;
}

export async function getRestoreRun(id: string): Promise<RestoreRunRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await pool().query<RestoreRunRow>(`select ${COLUMNS} from restore_runs where id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listRestoreRuns(filter: { stack?: string; service?: string; kind?: RestoreKind; limit?: number } = {}): Promise<RestoreRunRow[]> {
  const { rows } = await pool().query<RestoreRunRow>(
    `select ${COLUMNS} from restore_runs where ($1::text is null or stack = $1) and ($2::text is null or service = $2) and ($3::text is null or kind = $3)
      order by created_at desc limit $4`,
    [filter.stack ?? null, filter.service ?? null, filter.kind ?? null, filter.limit ?? 200],
  );
  return rows;
}

/** Persists the steps (and the step in progress / last completed), with a heartbeat. */
export async function saveSteps(id: string, steps: StepRecord[], extra: { safetyBackupId?: string | null } = {}): Promise<void> {
  const current = steps.find((s) => s.status === "running")?.key ?? null;
  const done = steps.filter((s) => s.status === "succeeded");
  await pool().query(
    `update restore_runs set steps = $2::jsonb, current_step = $3, last_completed_step = coalesce($4, last_completed_step),
            safety_backup_id = coalesce($5, safety_backup_id), heartbeat_at = now() where id = $1 and status = 'running'`,
    [id, JSON.stringify(steps), current, done.length ? done[done.length - 1]!.key : null, extra.safetyBackupId ?? null],
  );
}

export async function saveProgress(id: string, p: { bytesDone: number; percent: number | null }): Promise<void> {
  await pool().query(`update restore_runs set bytes_done = $2, percent = $3, heartbeat_at = now() where id = $1 and status = 'running'`, [id, Math.round(p.bytesDone), p.percent]);
}

export async function finishRestoreRun(
  id: string,
  result: { status: "succeeded" | "failed"; steps: StepRecord[]; error?: string | null; failedStep?: string | null; dependentsLeftStopped?: DependentLeftStopped[]; report: Record<string, unknown> },
): Promise<void> {
  const done = result.steps.filter((s) => s.status === "succeeded");
  await pool().query(
    `update restore_runs set status = $2, steps = $3::jsonb, current_step = null, last_completed_step = coalesce($4, last_completed_step), error = $5, failed_step = $6,
            dependents_left_stopped = $7::jsonb, report = $8::jsonb, finished_at = now(), heartbeat_at = now(),
            percent = case when $2 = 'succeeded' then 100 else percent end where id = $1 and status = 'running'`,
    [id, result.status, JSON.stringify(result.steps), done.length ? done[done.length - 1]!.key : null, result.error?.slice(0, 4000) ?? null, result.failedStep ?? null,
      JSON.stringify(result.dependentsLeftStopped ?? []), JSON.stringify(result.report)],
  );
}

function ownerGone(owner: string | null): boolean {
  if (!owner) return true;
  if (owner === processOwner()) return false;
  const [host, pidText, token] = owner.split(":");
  if (host !== hostname()) return false; // another machine's run: only a stale heartbeat tells
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !token) return true;
  if (pid === process.pid) return true; // our pid with another token: an earlier process
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "EPERM";
  }
}

export type RestoreRecoveryReport = { interrupted: Array<{ id: string; service: string; lastCompletedStep: string | null }> };

/**
 * Call at console start (and now and then): running restores whose owner process is gone, or whose
 * heartbeat is older than `staleMs`, become `interrupted` with their last completed step kept; the
 * step that was running is marked failed. Each is audited. The UI then offers the rollback.
 */
export async function recoverInterruptedRestoreRuns(options: { staleMs?: number } = {}): Promise<RestoreRecoveryReport> {
  const staleMs = options.staleMs ?? 120_000;
  const { rows } = await pool().query<RestoreRunRow & { heartbeatAgeMs: number }>(
    `select ${COLUMNS}, extract(epoch from now() - coalesce(heartbeat_at, created_at)) * 1000 as "heartbeatAgeMs" from restore_runs where status = 'running'`,
  );
  const interrupted: RestoreRecoveryReport["interrupted"] = [];
  for (const run of rows) {
    if (!(ownerGone(run.owner) || run.heartbeatAgeMs > staleMs)) continue;
    const at = new Date().toISOString();
    const steps = run.steps.map((s) => (s.status === "running" ? { ...s, status: "failed" as const, finishedAt: at, error: "interrupted: the console stopped during this step" } : s));
    const running = run.steps.find((s) => s.status === "running");
    const message = `The console stopped while this ${run.kind} was running${running ? `, during "${running.title}"` : ""}. Last completed step: ${run.lastCompletedStep ?? "none"}.${run.safetyBackupId ? ` The safety backup ${run.safetyBackupId} can be restored (rollback).` : ""}`;
    const { rowCount } = await pool().query(
      `update restore_runs set status = 'interrupted', steps = $2::jsonb, current_step = null, failed_step = $3, error = coalesce(error, $4), finished_at = now()
        where id = $1 and status = 'running'`,
      [run.id, JSON.stringify(steps), running?.key ?? null, message],
    );
    if (rowCount !== 1) continue;
    interrupted.push({ id: run.id, service: run.service, lastCompletedStep: run.lastCompletedStep });
    log.warn("Restore run interrupted by a console restart", { runId: run.id, service: run.service, lastCompletedStep: run.lastCompletedStep });
    await appendAuditEvent({
      action: `restore.${run.kind === "rollback" ? "rollback" : run.kind === "drill" ? "drill" : "run"}.result`,
      resourceType: "restore",
      resourceId: run.id,
      outcome: "failed",
      actor: null,
      params: { status: "interrupted", service: run.service, backupId: run.backupId, lastCompletedStep: run.lastCompletedStep, failedStep: running?.key ?? null },
      error: "interrupted: the console stopped while the restore was running",
      correlationId: run.auditCorrelationId ?? undefined,
    }).catch((error: unknown) => log.error("Could not audit an interrupted restore run", { runId: run.id, error }));
  }
  return { interrupted };
}

/** Adds fields to a finished run's report (e.g. the drill's throwaway container removal). */
export async function annotateReport(id: string, patch: Record<string, unknown>): Promise<void> {
  await pool().query(`update restore_runs set report = coalesce(report, '{}'::jsonb) || $2::jsonb where id = $1`, [id, JSON.stringify(patch)]);
}

export async function touchHeartbeat(id: string): Promise<void> {
  await pool().query(`update restore_runs set heartbeat_at = now() where id = $1 and status = 'running'`, [id]);
}
