/**
 * Backups as pg-boss jobs. Wire at boot, after startJobs() (lib/jobs/boss.ts):
 *   await recoverInterruptedRuns({ root: backupRoot() })      // runs a dead console left `running`
 *   await registerBackupJobs(jobs()!, { work: OPSDECK_ROLE !== "web" })
 * Queues:
 * - `backup-run`: one job per scheduled occurrence ({scheduleId}, from backup_schedules, one pg-boss
 *   schedule per row keyed by its id) or per queued manual run ({runId});
 * - `backup-maintenance` (daily 04:30 UTC): recovery sweep, retention of every service, verification
 *   of each service's newest backup;
 * - `backup-missed-check` (every 5 minutes): a schedule's slot that passed without a run is POSTed to
 *   BACKUP_WEBHOOK_URL (`backup.missed`) and audited, once per slot (check-missed-backups.ts).
 * Without registered jobs (tests, a console without pg-boss) manual backups run in-process.
 */
import type { PgBoss } from "pg-boss";
import { appendAuditEvent } from "../audit/append-audit-event";
import { EngineRegistry } from "../docker/engines";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { engineConfigs, loadStackConfig, type StackConfig } from "../stack/config";
import { backupRoot } from "./backup-paths";
import { claimBackupRun, getRun, listRuns, recoverInterruptedRuns, type BackupRunRow } from "./backup-runs";
import { getSchedule, listSchedules } from "./backup-schedules";
import { backupServices, resolveBackupTarget, type ResolvedBackupTarget } from "./backup-target";
import { checkMissedBackups } from "./check-missed-backups";
import { keyIdOf, loadBackupKeys } from "./encryption/age-keys";
import { listBackupsOnDisk } from "./list-backups";
import type { RequestedBy } from "./manifest";
import { notifyBackupProblem } from "./notify-failure";
import { applyRetention } from "./retention";
import { executeQueuedRun, newBackupId, runBackup, startBackup, type BackupOutcome } from "./run-backup";
import { copyToConfiguredRemote } from "./stores/remote-copy";
import { verifyBackup } from "./verify-backup";

export const BACKUP_RUN_QUEUE = "backup-run";
export const BACKUP_MAINTENANCE_QUEUE = "backup-maintenance";
export const BACKUP_MAINTENANCE_CRON = "30 4 * * *";
/** Maintenance runs daily: missed slots are looked for on their own, every 5 minutes. */
export const BACKUP_MISSED_CHECK_QUEUE = "backup-missed-check";
export const BACKUP_MISSED_CHECK_CRON = "*/5 * * * *";

const state = globalThis as unknown as { __opsdeckBackupBoss?: PgBoss };

/** The stack config and a streaming Docker client for the service's engine. */
export async function configuredTarget(serviceKey: string, config?: StackConfig): Promise<ResolvedBackupTarget> {
  const cfg = config ?? (await loadStackConfig());
  const service = cfg.services[serviceKey];
  if (!service) throw new AppError("NOT_FOUND", `There is no service "${serviceKey}" in the stack config.`);
  const registry = new EngineRegistry(engineConfigs(cfg));
  const engineId = service.engine ?? registry.ids()[0]!;
  return resolveBackupTarget({ config: cfg, serviceKey, docker: registry.get(engineId).streaming });
}

type RunJobData = { scheduleId?: string; runId?: string; serviceKey?: string };

async function runScheduled(scheduleId: string): Promise<BackupOutcome | null> {
  const schedule = await getSchedule(scheduleId);
  if (!schedule?.enabled) return null;
  const requestedBy: RequestedBy = { kind: "schedule", scheduleId, cron: schedule.cron };
  try {
    const { target } = await configuredTarget(schedule.service);
    return await runBackup({ target, requestedBy, afterSuccess: async (run, dir, manifest) => void (await copyToConfiguredRemote(run, dir, manifest)) });
  } catch (error) {
    // Not started at all (service busy, container down, config): visible and notified, never silent.
    const message = error instanceof AppError ? error.userMessage : error instanceof Error ? error.message : String(error);
    log.error("Scheduled backup did not start", { scheduleId, service: schedule.service, error: message });
    await appendAuditEvent({ action: "backup.run.result", resourceType: "backup", resourceId: `${schedule.stack}/${schedule.service}`, outcome: "failed", actor: null, params: { scheduleId, trigger: "schedule" }, error: `not started: ${message}` }).catch(() => undefined);
    await notifyBackupProblem({ event: "backup.failed", stack: schedule.stack, service: schedule.service, runId: "", backupId: "", error: `scheduled backup not started: ${message}`, at: new Date().toISOString() });
    throw error;
  }
}

async function runQueued(runId: string, serviceKey: string): Promise<BackupOutcome | null> {
  const run = await getRun(runId);
  if (!run || run.status !== "queued") return null;
  const { target } = await configuredTarget(serviceKey);
  const requestedBy: RequestedBy = run.trigger === "user" ? { kind: "user", userId: run.requestedById, email: run.requestedByEmail } : { kind: "system", reason: "queued" };
  return executeQueuedRun(run, { target, name: run.name, requestedBy, encrypt: run.encrypted, auditCorrelationId: run.auditCorrelationId, afterSuccess: async (r, dir, m) => void (await copyToConfiguredRemote(r, dir, m)) });
}

/** Retention, recovery and verification for every configured service. */
export async function runBackupMaintenance(): Promise<Record<string, unknown>> {
  const root = backupRoot();
  const recovery = await recoverInterruptedRuns({ root });
  const config = await loadStackConfig();
  const report: Record<string, unknown> = { recovery };
  for (const { key } of backupServices(config)) {
    try {
      const latest = (await listRuns({ service: key, limit: 1 }))[0];
      const stack = latest?.stack ?? config.services[key]!.project;
      if (!stack) continue;
      const retention = await applyRetention(stack, key, { root });
      const newest = (await listBackupsOnDisk({ stack, service: key, root }))[0];
      const target = await configuredTarget(key, config).then((t) => t.target).catch(() => null);
      const verify = newest ? await verifyBackup({ backupId: newest.id, root, target, trigger: "schedule" }) : null;
      report[key] = { deleted: retention.deleted.length, paused: retention.paused, verified: verify ? verify.ok : null };
    } catch (error) {
      report[key] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return report;
}

/** Registers the schedules of backup_schedules with pg-boss (and removes those no longer there). */
export async function syncBackupSchedules(boss: PgBoss): Promise<number> {
  const schedules = (await listSchedules()).filter((s) => s.enabled);
  const wanted = new Set(schedules.map((s) => s.id));
  for (const s of schedules) await boss.schedule(BACKUP_RUN_QUEUE, s.cron, { scheduleId: s.id }, { tz: s.tz, key: s.id });
  for (const existing of await boss.getSchedules(BACKUP_RUN_QUEUE)) {
    if (existing.key && !wanted.has(existing.key)) await boss.unschedule(BACKUP_RUN_QUEUE, existing.key);
  }
  return schedules.length;
}

export async function registerBackupJobs(boss: PgBoss, options: { work?: boolean } = {}): Promise<void> {
  await boss.createQueue(BACKUP_RUN_QUEUE, { retryLimit: 0, expireInSeconds: 12 * 3600 });
  await boss.createQueue(BACKUP_MAINTENANCE_QUEUE, { policy: "singleton", retryLimit: 0, expireInSeconds: 12 * 3600 });
  await boss.schedule(BACKUP_MAINTENANCE_QUEUE, BACKUP_MAINTENANCE_CRON, {}, { tz: "UTC", missed: "once" });
  await boss.createQueue(BACKUP_MISSED_CHECK_QUEUE, { policy: "exclusive", retryLimit: 0, expireInSeconds: 15 * 60 });
  await boss.schedule(BACKUP_MISSED_CHECK_QUEUE, BACKUP_MISSED_CHECK_CRON, {}, { tz: "UTC", missed: "once" });
  await syncBackupSchedules(boss);
  if (options.work !== false) {
    await boss.work<RunJobData>(BACKUP_RUN_QUEUE, { localConcurrency: 2 }, async (jobs) => {
      for (const job of jobs) {
        if (job.data.scheduleId) await runScheduled(job.data.scheduleId);
        else if (job.data.runId && job.data.serviceKey) await runQueued(job.data.runId, job.data.serviceKey);
      }
    });
    await boss.work(BACKUP_MAINTENANCE_QUEUE, async () => {
      log.info("Backup maintenance finished", await runBackupMaintenance());
    });
    await boss.work(BACKUP_MISSED_CHECK_QUEUE, async () => {
      const notified = await checkMissedBackups();
      if (notified.length > 0) log.info("Missed backups notified", { count: notified.length });
    });
  }
  state.__opsdeckBackupBoss = boss;
}

/**
 * A manual backup: queued for the workers when backup jobs are registered in this process, else run
 * here in the background. Either way the run row exists (and the service is claimed) on return.
 */
export async function requestBackup(args: { serviceKey: string; name?: string | null; encrypt?: boolean; requestedBy: RequestedBy; auditCorrelationId?: string | null; target?: ResolvedBackupTarget }): Promise<BackupRunRow> {
  const resolved = args.target ?? (await configuredTarget(args.serviceKey));
  const boss = state.__opsdeckBackupBoss;
  if (!boss) {
    const started = await startBackup({ target: resolved.target, name: args.name ?? null, encrypt: args.encrypt, requestedBy: args.requestedBy, auditCorrelationId: args.auditCorrelationId, afterSuccess: async (r, d, m) => void (await copyToConfiguredRemote(r, d, m)) });
    return started.run;
  }
  const keys = await loadBackupKeys();
  const encrypted = args.encrypt !== false && keys.recipients.length > 0;
  if (args.encrypt === true && !encrypted) throw new AppError("CONFIG_INVALID", "Encryption was asked for, but no backup key is configured.");
  const run = await claimBackupRun({
    stack: resolved.target.stack,
    service: resolved.target.service,
    engine: resolved.target.kind,
    name: args.name ?? null,
    backupId: newBackupId({ target: resolved.target, name: args.name ?? null }),
    requestedBy: args.requestedBy,
    encrypted,
    keyId: encrypted ? keyIdOf(keys.recipients[0]!) : null,
    status: "queued",
    auditCorrelationId: args.auditCorrelationId,
  });
  await boss.send(BACKUP_RUN_QUEUE, { runId: run.id, serviceKey: args.serviceKey } satisfies RunJobData);
  return run;
}
