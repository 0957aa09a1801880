/**
 * The daily privacy checks as a pg-boss job. Wire at boot, after startJobs() (lib/jobs/boss.ts):
 *   await registerPrivacyJobs(jobs()!, { work: OPSDECK_ROLE !== "web" })
 * Queue `privacy-checks`, singleton, scheduled by `privacy.schedule` of the stack config (cron, UTC;
 * default daily 05:45) — missed while the console was down: run once when it is back. Each scheduled
 * pass writes one audit row (`privacy.run.scheduled`, no actor) with the counts, so the evidence report
 * can tie scheduled results to the audit chain as it does manual ones.
 */
import type { PgBoss } from "pg-boss";
import { appendAuditEvent } from "../audit/append-audit-event";
import { log } from "../log/logger";
import { loadStackConfig, type StackConfig } from "../stack/config";
import { runPrivacyChecks, type PrivacyRunSummary } from "./runner";

export const PRIVACY_QUEUE = "privacy-checks";
export const DEFAULT_PRIVACY_CRON = "45 5 * * *";

/** One scheduled pass, audited (the started row committed before the checks run, as for actions). */
export async function runScheduledPrivacyChecks(config?: StackConfig): Promise<PrivacyRunSummary | null> {
  const cfg = config ?? (await loadStackConfig());
  if (Object.keys(cfg.privacy?.stacks ?? {}).length === 0) return null;
  const started = await appendAuditEvent({ action: "privacy.run.scheduled", resourceType: "privacy", resourceId: "all", outcome: "started", actor: null, params: { trigger: "schedule" } });
  try {
    const summary = await runPrivacyChecks({ trigger: "schedule", auditCorrelationId: started.correlationId, config: cfg });
    await appendAuditEvent({ action: "privacy.run.scheduled", resourceType: "privacy", resourceId: "all", outcome: "succeeded", actor: null, correlationId: started.correlationId, params: { trigger: "schedule", runId: summary.runId, ...summary.counts, flipped: summary.flipped } });
    return summary;
  } catch (error) {
    await appendAuditEvent({ action: "privacy.run.scheduled", resourceType: "privacy", resourceId: "all", outcome: "failed", actor: null, correlationId: started.correlationId, error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
    throw error;
  }
}

export async function registerPrivacyJobs(boss: PgBoss, options: { work?: boolean; cron?: string } = {}): Promise<void> {
  const cron = options.cron ?? (await loadStackConfig().then((c) => c.privacy?.schedule, () => undefined)) ?? DEFAULT_PRIVACY_CRON;
  await boss.createQueue(PRIVACY_QUEUE, { policy: "singleton", retryLimit: 0, expireInSeconds: 2 * 3600 });
  await boss.schedule(PRIVACY_QUEUE, cron, {}, { tz: "UTC", missed: "once" });
  if (options.work !== false) {
    await boss.work(PRIVACY_QUEUE, async () => {
      const summary = await runScheduledPrivacyChecks();
      log.info("Privacy checks finished", summary ? { runId: summary.runId, ...summary.counts, flipped: summary.flipped } : { configured: false });
    });
  }
}
