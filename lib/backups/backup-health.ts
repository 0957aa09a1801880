/**
 * What the dashboard must say about backups (the issue's "missed or failed runs are visible on the
 * dashboard"): per service of the stack config that can be backed up,
 * - critical when its newest finished run failed or was interrupted (with the error and when);
 * - warn when the latest slot of an enabled schedule that is past its grace was missed (a console that
 *   was down at 02:00, a queue that did not fire), by the rule in missed-slots.ts that the
 *   `backup.missed` alert uses too, with how many slots of the last day were missed.
 * Nothing here is an error when the service has never been backed up and has no schedule: that is
 * the Backups page's business, not an alarm.
 */
import { pool } from "../db/pool";
import type { StackConfig } from "../stack/config";
import { backupServices } from "./backup-target";
import { listSchedules } from "./backup-schedules";
import { findJudgedSlots } from "./missed-slots";

export type BackupHealthItem = { level: "warn" | "critical"; subject: string; text: string };

type LatestRun = { stack: string; service: string; status: string; error: string | null; finishedAt: Date | null; createdAt: Date };

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
  for (const s of schedules) {
    const judged = await findJudgedSlots(s, now);
    const latest = judged[judged.length - 1];
    if (!latest?.missed) continue; // nothing to judge yet, or the latest slot past its grace ran
    const missed = judged.filter((j) => j.missed).length;
    items.push({
      level: "warn",
      subject: `Backup of ${s.service} (${s.stack})`,
      text:
        `the scheduled backup due at ${latest.slot.toISOString()} (${s.cron}${s.tz === "UTC" ? "" : ` ${s.tz}`}) did not run` +
        `${missed > 1 ? ` (${missed} slots missed in the last 24 hours)` : ""}; check that a console with OPSDECK_ROLE worker or all is running`,
    });
  }
  return items;
}
