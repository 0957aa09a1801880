/**
 * What the dashboard must say about backups (the issue's "missed or failed runs are visible on the
 * dashboard"): per service of the stack config that can be backed up,
 * - critical when its newest finished run failed or was interrupted (with the error and when);
 * - warn when an enabled schedule's last occurrence passed more than GRACE_MS ago and no run of that
 *   service was asked for since (a console that was down at 02:00, a queue that did not fire).
 * Nothing here is an error when the service has never been backed up and has no schedule: that is
 * the Backups page's business, not an alarm.
 */
import { CronExpressionParser } from "cron-parser";
import { pool } from "../db/pool";
import type { StackConfig } from "../stack/config";
import { backupServices } from "./backup-target";
import { listSchedules } from "./backup-schedules";

export type BackupHealthItem = { level: "warn" | "critical"; subject: string; text: string };

/** How late a scheduled run may start before it counts as missed (queues, a busy worker). */
export const GRACE_MS = 30 * 60_000;

type LatestRun = { stack: string; service: string; status: string; error: string | null; finishedAt: Date | null; createdAt: Date };

function previousOccurrence(cron: string, tz: string, now: Date): Date | null {
  try {
    return CronExpressionParser.parse(cron.trim(), { tz, currentDate: now }).prev().toDate();
  } catch {
    return null; // an invalid stored cron is refused when saved; nothing to judge here
  }
}

function shortError(error: string | null): string {
  const line = (error ?? "no error recorded").split("\n")[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

export async function backupHealth(config: StackConfig, now: Date = new Date()): Promise<BackupHealthItem[]> {
  const keys = backupServices(config).map((s) => s.key);
  if (keys.length === 0) return [];
  const items: BackupHealthItem[] = [];

  const { rows: latest } = await pool().query<LatestRun>(
    `select distinct on (stack, service) stack, service, status, error, finished_at as "finishedAt", created_at as "createdAt"
       from backup_runs
      where service = any($1) and status in ('succeeded', 'failed', 'interrupted')
      order by stack, service, created_at desc`,
    [keys],
  );
  for (const run of latest) {
    if (run.status === "succeeded") continue;
    const when = (run.finishedAt ?? run.createdAt).toISOString();
    items.push({
      level: "critical",
      subject: `Backup of ${run.service} (${run.stack})`,
      text: `the last backup ${run.status === "interrupted" ? "was interrupted" : "failed"} at ${when}: ${shortError(run.error)}`,
    });
  }

  const schedules = (await listSchedules()).filter((s) => s.enabled && keys.includes(s.service));
  if (schedules.length > 0) {
    const { rows: asked } = await pool().query<{ stack: string; service: string; last: Date }>(
      `select stack, service, max(created_at) as last from backup_runs where service = any($1) group by stack, service`,
      [keys],
    );
    const lastAsked = new Map(asked.map((r) => [`${r.stack}/${r.service}`, r.last.getTime()]));
    for (const s of schedules) {
      const due = previousOccurrence(s.cron, s.tz, now);
      // Not due since it was made, or last changed (re-enabled, re-timed): the same rule as the missed-slot alert
      // (lib/backups/check-missed-backups.ts), so the dashboard and the webhook agree.
      if (!due || due.getTime() <= Math.max(s.createdAt.getTime(), s.updatedAt.getTime())) continue;
      if (now.getTime() - due.getTime() < GRACE_MS) continue;
      const last = lastAsked.get(`${s.stack}/${s.service}`) ?? 0;
      if (last >= due.getTime() - 60_000) continue; // a run was asked for at (or just before) the occurrence
      items.push({
        level: "warn",
        subject: `Backup of ${s.service} (${s.stack})`,
        text: `the scheduled backup due at ${due.toISOString()} (${s.cron}${s.tz === "UTC" ? "" : ` ${s.tz}`}) did not run; check that a console with OPSDECK_ROLE worker or all is running`,
      });
    }
  }
  return items;
}
