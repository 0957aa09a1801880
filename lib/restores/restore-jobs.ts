/**
 * Scheduled restore drills (pg-boss): the runbook's monthly "test backup restoration". Wire at boot,
 * after startJobs() and recoverInterruptedRestoreRuns():
 *   await registerRestoreDrillJobs(jobs()!, { work: OPSDECK_ROLE !== "web" })
 * Queue `restore-drill`: a schedule (default 05:00 UTC on the 1st of each month, RESTORE_DRILL_CRON)
 * drills every restorable service of the stack config, one after the other; a job with
 * `{ service }` drills one. Each drill is recorded (restore_runs kind `drill`) and audited; a failed
 * drill is logged as an error (the notification hook of backups covers backup failures only).
 */
import type { PgBoss } from "pg-boss";
import { log } from "../log/logger";
import { loadStackConfig } from "../stack/config";
import { DRILL_ENGINES } from "./preflight";
import { restorableServices } from "./restorable-services";
import { runRestoreDrill } from "./restore-drill";
import { resolveRestoreTarget } from "./restore-target";

export const RESTORE_DRILL_QUEUE = "restore-drill";
export const RESTORE_DRILL_CRON = "0 5 1 * *";

export async function drillService(service: string): Promise<{ service: string; status: string; error: string | null }> {
  try {
    const { target } = await resolveRestoreTarget(service);
    if (!(DRILL_ENGINES as readonly string[]).includes(target.kind)) {
      return { service, status: "failed", error: `restore drills cover ${DRILL_ENGINES.join(", ")}; ${service} is a ${target.kind} service (restore it with the wizard instead)` };
    }
    const result = await runRestoreDrill({ source: target, requestedBy: { userId: null, email: null } });
    if (result.status !== "succeeded") log.error("Restore drill failed", { service, runId: result.runId, error: result.error });
    return { service, status: result.status, error: result.error };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error("Restore drill could not run", { service, error: message });
    return { service, status: "failed", error: message };
  }
}

export async function registerRestoreDrillJobs(boss: PgBoss, options: { work?: boolean; cron?: string } = {}): Promise<void> {
  await boss.createQueue(RESTORE_DRILL_QUEUE, { policy: "singleton", retryLimit: 0, expireInSeconds: 6 * 3600 });
  await boss.schedule(RESTORE_DRILL_QUEUE, options.cron ?? RESTORE_DRILL_CRON, {}, { tz: "UTC" });
  if (options.work === false) return;
  await boss.work<{ service?: string }>(RESTORE_DRILL_QUEUE, async (jobs) => {
    for (const job of jobs) {
      const services = job.data.service ? [job.data.service] : (await restorableServices(await loadStackConfig())).filter((s) => s.drill).map((s) => s.key);
      const results = [];
      for (const service of services) results.push(await drillService(service));
      log.info("Restore drills finished", { results });
    }
  });
}
