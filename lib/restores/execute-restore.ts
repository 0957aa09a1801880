/**
 * A restore (or a rollback, or a drill's restore into a throwaway container) as a persisted job:
 *   preflight (again, always: refused with its blockers before any change, and the refusal recorded)
 *   → run row claimed (one restore per service) → safety backup → stop dependents → prepare →
 *   restore (streamed, with progress) → verify counts → start dependents → wait healthy → report.
 * Every step is written to restore_runs as it starts and ends, and audited (`restore.step`).
 *
 * On a failure the job stops and names the step. Dependents stopped by this run are started again
 * when nothing in the target had been touched yet; once the target was being changed (prepare,
 * restore, verify), starting them would let the applications work on partial or unverified data, so
 * they stay stopped and the run says which and why. The report offers the rollback from the safety
 * backup whenever one was taken and the target was touched.
 */
import { Transform } from "node:stream";
import { appendAuditEvent } from "../audit/append-audit-event";
import { backupRoot } from "../backups/backup-paths";
import { chQuery } from "../backups/engines/clickhouse";
import { execText, scrub } from "../backups/engines/command";
import { engineFor } from "../backups/engines";
import { pgQueryCommand } from "../backups/engines/postgres";
import type { BackupTarget } from "../backups/engines/types";
import type { Manifest, ManifestFile } from "../backups/manifest";
import { openBackupPlaintext } from "../backups/read-backup-file";
import { runBackup } from "../backups/run-backup";
import { AppError, isAppError } from "../errors/app-error";
import { log } from "../log/logger";
import { ensureRunning, startContainer, stopContainer, waitHealthy, type ContainerRef } from "./container-control";
import { describeTarget, maintenanceDatabase, runPreflight, type PreflightResult, type RestoreChoices } from "./preflight";
import { STEP, buildRestorePlan, createDatabaseSql, dropTableSql, quoteLiteral } from "./restore-plan";
import { finishRestoreRun, insertRestoreRun, saveProgress, saveSteps, touchHeartbeat, type RestoreRunRow } from "./restore-runs";
import type { RestoreTarget } from "./restore-target";
import type { DependentLeftStopped, RequestedByUser, RestorePlan, StepRecord } from "./restore-types";
import { emptyVolumePath } from "./volume-restore";
import { verifyRestore, type RestoreVerification } from "./verify-restore";

export type RestoreRequest = {
  kind: "restore" | "rollback" | "drill";
  restoreTarget: RestoreTarget;
  backupId: string;
  root?: string;
  choices: RestoreChoices;
  reason?: string | null;
  requestedBy: RequestedByUser;
  /** The actor as written in audit rows. */
  actor?: { id: string | null; email: string | null; role: string | null } | null;
  rollbackOf?: string | null;
  auditCorrelationId?: string | null;
  healthyTimeoutMs?: number;
  /** Containers a failed run left stopped (rollback): started with the dependents at the end. */
  restartAfter?: string[];
  /** Tests: called as each step starts. */
  onStep?: (key: string, run: RestoreRunRow) => void | Promise<void>;
};

export type RestoreOutcome = {
  runId: string;
  status: "succeeded" | "failed";
  failedStep: string | null;
  error: string | null;
  safetyBackupId: string | null;
  dependentsLeftStopped: DependentLeftStopped[];
  verification: RestoreVerification | null;
  rollbackOffered: boolean;
};

export type StartedRestore = { run: RestoreRunRow; preflight: PreflightResult; plan: RestorePlan; done: Promise<RestoreOutcome> };

/** Steps that change the target: once one started, the dependents are not started again on failure. */
const CHANGING = new Set<string>([STEP.prepare, STEP.restore, STEP.verify]);

function resultAction(kind: RestoreRequest["kind"]): string {
  return kind === "rollback" ? "restore.rollback.result" : kind === "drill" ? "restore.drill.result" : "restore.run.result";
}

function refusedMessage(preflight: PreflightResult): string {
  return `Refused before any change: ${preflight.blockers.join(" | ")}`;
}

/** Preflight + plan, without a run row (dry runs and executions build on it). */
export async function prepareRestore(req: Pick<RestoreRequest, "kind" | "restoreTarget" | "backupId" | "root" | "choices">): Promise<{ preflight: PreflightResult; plan: RestorePlan | null }> {
  // A drill restores into a throwaway container: a backup of the real service running meanwhile does not matter.
  const preflight = await runPreflight({ backupId: req.backupId, root: req.root, restoreTarget: req.restoreTarget, choices: req.choices, skipBusyCheck: req.kind === "drill" });
  const plan = preflight.manifest
    ? buildRestorePlan({ kind: req.kind, target: req.restoreTarget.target, description: preflight.description, facts: preflight.facts, files: preflight.files, dropAndReplace: req.choices.dropAndReplace, backupId: req.backupId })
    : null;
  return { preflight, plan };
}

/**
 * Runs the preflight; when it blocks, records a `refused` run, audits it and throws CONFLICT with
 * the reasons (nothing was changed). Otherwise claims the service and runs the job in the background.
 */
export async function startRestore(req: RestoreRequest): Promise<StartedRestore> {
  const target = req.restoreTarget.target;
  if (req.kind === "rollback") {
    // A rollback follows a failure, which may have stopped the server (a killed container): start it first.
    await ensureRunning({ docker: target.docker, id: target.containerId, name: target.service }, () => describeTarget(target), 180_000);
  }
  const { preflight, plan } = await prepareRestore(req);
  const base = {
    kind: req.kind,
    stack: target.stack,
    service: target.service,
    engine: target.kind,
    backupId: req.backupId,
    rollbackOf: req.rollbackOf ?? null,
    dropAndReplace: req.choices.dropAndReplace,
    reason: req.reason ?? null,
    requestedBy: req.requestedBy,
    preflight: stripPreflight(preflight),
    plan,
    auditCorrelationId: req.auditCorrelationId ?? null,
  };
  if (!preflight.ok || !plan) {
    const refused = await insertRestoreRun({ ...base, status: "refused", error: refusedMessage(preflight) });
    await audit(req, refused.id, resultAction(req.kind), "failed", refusedMessage(preflight), { status: "refused", backupId: req.backupId, blockers: preflight.blockers });
    throw new AppError("CONFLICT", refusedMessage(preflight), { logDetail: `restore run ${refused.id} refused` });
  }
  const steps: StepRecord[] = plan.steps.map((s) => ({ key: s.key, title: s.title, status: "pending", startedAt: null, finishedAt: null, detail: null, error: null }));
  const run = await insertRestoreRun({ ...base, status: "running", steps, bytesTotal: preflight.facts.restoreBytes });
  const done = execute(run, req, preflight, steps);
  done.catch(() => undefined);
  return { run, preflight, plan, done };
}

/** Runs a restore to the end. */
export async function runRestore(req: RestoreRequest): Promise<RestoreOutcome & { run: RestoreRunRow }> {
  const started = await startRestore(req);
  return { ...(await started.done), run: started.run };
}

export function stripPreflight(p: PreflightResult): PreflightResult {
  // The manifest and description are large and on disk already; the row keeps the checks and facts.
  return { ok: p.ok, checks: p.checks, blockers: p.blockers, facts: p.facts, manifest: null, description: null, files: p.files };
}

async function audit(req: RestoreRequest, runId: string, action: string, outcome: "succeeded" | "failed", error: string | null, params: Record<string, unknown>): Promise<void> {
  await appendAuditEvent({
    action,
    resourceType: "restore",
    resourceId: runId,
    outcome,
    actor: req.actor ?? { id: req.requestedBy.userId, email: req.requestedBy.email, role: null },
    params: { kind: req.kind, service: req.restoreTarget.target.service, ...params },
    error,
    correlationId: req.auditCorrelationId ?? undefined,
  }).catch((e: unknown) => log.error("Could not audit a restore step", { runId, action, error: e }));
}

class Progress {
  bytes = 0;
  private last = 0;
  private pending: Promise<void> = Promise.resolve();
  constructor(
    private readonly runId: string,
    private readonly total: number,
  ) {}
  add(n: number): void {
    this.bytes += n;
    if (Date.now() - this.last < 1000) return;
    this.flush();
  }
  flush(): void {
    this.last = Date.now();
    const p = { bytesDone: this.bytes, percent: this.total ? Math.min(99, (100 * this.bytes) / this.total) : null };
    this.pending = this.pending.then(() => saveProgress(this.runId, p)).catch((error: unknown) => log.warn("Could not record restore progress", { runId: this.runId, error }));
  }
  async stop(): Promise<void> {
    this.flush();
    await this.pending;
  }
}

function counting(progress: Progress): Transform {
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      progress.add(chunk.length);
      cb(null, chunk);
    },
  });
}

async function prepareTarget(target: BackupTarget, preflight: PreflightResult, dropAndReplace: boolean, files: ManifestFile[]): Promise<string> {
  if (target.kind === "postgres") {
    const created: string[] = [];
    for (const m of preflight.facts.databases) {
      const maintenance = maintenanceDatabase(target, m.into);
      const exists = (await execText(target, pgQueryCommand(target, maintenance, `select count(*) from pg_database where datname = ${quoteLiteral(m.into)}`))).trim() === "1";
      if (!exists) {
        await execText(target, pgQueryCommand(target, maintenance, createDatabaseSql(m.into)));
        created.push(m.into);
      }
    }
    return created.length ? `created ${created.join(", ")}` : "every target database exists";
  }
  if (target.kind === "clickhouse" && dropAndReplace) {
    const rank = (f: ManifestFile) => (/View$/.test(f.tableEngine ?? "") ? 3 : f.tableEngine === "Distributed" || /^Kafka/.test(f.tableEngine ?? "") ? 2 : 1);
    const ddl = files.filter((f) => f.format === "clickhouse-ddl").sort((a, b) => rank(b) - rank(a));
    for (const f of ddl) await execText(target, chQuery(target, dropTableSql(f.database!, f.table!)));
    return `dropped ${ddl.length} table(s) if they existed`;
  }
  if (target.kind === "volume" && dropAndReplace) return emptyVolumePath(target);
  return "nothing to prepare";
}

async function execute(run: RestoreRunRow, req: RestoreRequest, preflight: PreflightResult, steps: StepRecord[]): Promise<RestoreOutcome> {
  const target = req.restoreTarget.target;
  const root = req.root ?? backupRoot();
  const manifest = preflight.manifest as Manifest;
  const progress = new Progress(run.id, preflight.facts.restoreBytes);
  const stopped: Array<ContainerRef & { service: string }> = [];
  let safetyBackupId: string | null = null;
  let verification: RestoreVerification | null = null;
  let touched = false;
  let current: StepRecord | null = null;
  const started = Date.now();
  // Heartbeat even while a step moves no byte (a long safety backup, waiting for health): a stale one means a dead console.
  const heartbeat = setInterval(() => void touchHeartbeat(run.id).catch(() => undefined), 15_000);
  heartbeat.unref();

  const step = async (key: string, fn: () => Promise<string>): Promise<void> => {
    const record = steps.find((s) => s.key === key);
    if (!record) return;
    current = record;
    record.status = "running";
    record.startedAt = new Date().toISOString();
    if (CHANGING.has(key)) touched = true;
    await saveSteps(run.id, steps);
    await req.onStep?.(key, run);
    const detail = await fn();
    record.status = "succeeded";
    record.finishedAt = new Date().toISOString();
    record.detail = detail;
    await saveSteps(run.id, steps, { safetyBackupId });
    await audit(req, run.id, "restore.step", "succeeded", null, { step: key, title: record.title, detail });
    current = null;
  };

  try {
    return await executeSteps();
  } finally {
    clearInterval(heartbeat);
  }

  async function executeSteps(): Promise<RestoreOutcome> {
    try {
      await step(STEP.safetyBackup, async () => {
        const outcome = await runBackup({ target, name: "pre-restore", requestedBy: { kind: "user", userId: req.requestedBy.userId, email: req.requestedBy.email }, root, auditCorrelationId: req.auditCorrelationId });
        if (outcome.status !== "succeeded") throw new Error(`the safety backup failed: ${outcome.error}`);
        safetyBackupId = outcome.backupId;
        return `${outcome.backupId} (${outcome.manifest.totals.bytes} bytes${target.kind === "volume" ? "" : `, ${outcome.manifest.counts.tables} tables`})`;
      });

      await step(STEP.stopDependents, async () => {
        const names: string[] = [];
        for (const dep of req.restoreTarget.dependents) {
          for (const c of dep.containers) {
            const ref = { docker: dep.docker, id: c.id, name: c.name, service: dep.service };
            if (await stopContainer(ref)) {
              stopped.push(ref);
              names.push(c.name);
            } else if (req.restartAfter?.includes(c.name)) {
              stopped.push(ref); // left stopped by the failed run this one rolls back: started at the end
              names.push(`${c.name} (already stopped)`);
            }
          }
        }
        return names.length ? `stopped ${names.join(", ")}` : "none was running";
      });

      await step(STEP.prepare, () => prepareTarget(target, preflight, req.choices.dropAndReplace, preflight.files));

      await step(STEP.restore, async () => {
        const engine = engineFor(target.kind);
        const details: string[] = [];
        for (const f of preflight.files) {
          const into = preflight.facts.databases.find((m) => m.from === f.database)?.into;
          const plain = await openBackupPlaintext(req.backupId, f, { root });
          const tap = counting(progress);
          plain.on("error", (error) => tap.destroy(error));
          plain.pipe(tap);
          const result = await engine.restore(
            target,
            { file: f.path, format: f.format, database: f.database, table: f.table, tableEngine: f.tableEngine, stream: tap },
            { intoDatabase: target.kind === "postgres" ? into : undefined, clean: target.kind === "postgres" ? req.choices.dropAndReplace : undefined },
          );
          details.push(`${f.path}: ${result.detail}`);
        }
        await progress.stop();
        return details.slice(-5).join("; ");
      });

      await step(STEP.verify, async () => {
        const tar = target.kind === "volume" ? preflight.files.find((f) => f.format === "tar") : undefined;
        verification = await verifyRestore(target, manifest, preflight.facts.databases, tar ? { backupTar: () => openBackupPlaintext(req.backupId, tar, { root }), dropAndReplace: req.choices.dropAndReplace } : undefined);
        if (!verification.ok) throw new Error(`the restored data does not match the backup: ${verification.summary}`);
        return verification.summary;
      });

      await step(STEP.startDependents, async () => {
        for (const ref of stopped) await startContainer(ref);
        return stopped.length ? `started ${stopped.map((s) => s.name).join(", ")}` : "none to start";
      });

      await step(STEP.waitHealthy, async () => {
        const refs: ContainerRef[] = [{ docker: target.docker, id: target.containerId, name: target.service }, ...stopped];
        const reports = await waitHealthy(refs, req.healthyTimeoutMs ?? 120_000);
        return reports.map((r) => `${r.name}: ${r.health ?? r.state}`).join(", ");
      });

      const report = { durationMs: Date.now() - started, safetyBackupId, verification, bytesRestored: progress.bytes, databases: preflight.facts.databases, dependentsRestarted: stopped.map((s) => s.name) };
      await finishRestoreRun(run.id, { status: "succeeded", steps, report });
      await audit(req, run.id, resultAction(req.kind), "succeeded", null, { backupId: req.backupId, safetyBackupId, durationMs: report.durationMs, verification: verification ? (verification as RestoreVerification).summary : null });
      log.info("Restore succeeded", { runId: run.id, kind: req.kind, service: target.service, backupId: req.backupId, ms: report.durationMs });
      return { runId: run.id, status: "succeeded", failedStep: null, error: null, safetyBackupId, dependentsLeftStopped: [], verification, rollbackOffered: false };
    } catch (error) {
      await progress.stop().catch(() => undefined);
      const failed = current as StepRecord | null;
      const message = scrub(isAppError(error) ? error.userMessage : error instanceof Error ? error.message : String(error), target);
      if (failed) {
        failed.status = "failed";
        failed.finishedAt = new Date().toISOString();
        failed.error = message;
      }
      for (const s of steps) if (s.status === "pending") s.status = "skipped";
      const left: DependentLeftStopped[] = [];
      const notes: string[] = [];
      if (stopped.length) {
        if (!touched) {
          // Nothing in the target changed: the applications can run on it as before.
          const restarted: string[] = [];
          for (const ref of stopped) {
            try {
              await startContainer(ref);
              restarted.push(ref.name);
            } catch (e) {
              left.push({ service: ref.service, containers: [ref.name], why: `could not be started again: ${e instanceof Error ? e.message : String(e)}` });
            }
          }
          if (restarted.length) notes.push(`started ${restarted.join(", ")} again: the target was not changed`);
        } else {
          const why =
            failed?.key === STEP.verify
              ? `the restored data did not match the backup; starting it would let the application work on unverified data`
              : `${target.service} holds a partial restore; starting it would let the application read and write inconsistent data. Roll back from the safety backup (or retry the restore) first`;
          for (const dep of new Set(stopped.map((s) => s.service))) left.push({ service: dep, containers: stopped.filter((s) => s.service === dep).map((s) => s.name), why });
        }
      }
      const rollbackOffered = touched && safetyBackupId !== null;
      const report = { durationMs: Date.now() - started, safetyBackupId, verification, bytesRestored: progress.bytes, failedStep: failed?.key ?? null, notes, rollbackOffered };
      await finishRestoreRun(run.id, { status: "failed", steps, error: message, failedStep: failed?.key ?? null, dependentsLeftStopped: left, report }).catch((e: unknown) =>
        log.error("Could not record a failed restore", { runId: run.id, error: e }),
      );
      if (failed) await audit(req, run.id, "restore.step", "failed", message, { step: failed.key, title: failed.title });
      await audit(req, run.id, resultAction(req.kind), "failed", message, { backupId: req.backupId, failedStep: failed?.key ?? null, safetyBackupId, dependentsLeftStopped: left.map((l) => l.service) });
      log.error("Restore failed", { runId: run.id, kind: req.kind, service: target.service, step: failed?.key, error: message });
      return { runId: run.id, status: "failed", failedStep: failed?.key ?? null, error: message, safetyBackupId, dependentsLeftStopped: left, verification, rollbackOffered };
    }
  }
}

