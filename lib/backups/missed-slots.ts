/**
 * The one rule for "a scheduled backup was missed", used by the dashboard (backup-health.ts) and by
 * the alert (check-missed-backups.ts), so the two cannot disagree.
 *
 * A slot of an enabled schedule is missed when
 * - it passed more than GRACE_MS ago (queues, a busy worker may start a run late),
 * - it is after the schedule was created or last changed (a new, re-enabled or re-timed schedule is not
 *   "missed" for slots before it existed in that form), and within MISSED_LOOKBACK_MS (a console down
 *   for a week judges the last day, not every slot since), and
 * - no run of that service was asked for from EARLY_MS before it until EARLY_MS before the next slot
 *   (so each slot of a frequent schedule is judged on its own).
 */
import { CronExpressionParser } from "cron-parser";
import { pool } from "../db/pool";
import type { BackupSchedule } from "./backup-schedules";

/** How late a scheduled run may start before it counts as missed. */
export const GRACE_MS = 30 * 60_000;
/** How far back slots are judged. */
export const MISSED_LOOKBACK_MS = 24 * 3600_000;
/** A run asked for this long before a slot still counts for it. */
export const EARLY_MS = 60_000;
/** Schedules fire at most every 5 minutes (assertReasonableCron): a day has at most 288 slots. */
const MAX_SLOTS = 300;

type JudgedSchedule = Pick<BackupSchedule, "stack" | "service" | "cron" | "tz" | "createdAt" | "updatedAt">;

/** The slots of `cron` in (from, until], and the first one after them. */
function slotsBetween(cron: string, tz: string, from: Date, until: Date): { slots: Date[]; after: Date | null } {
  const slots: Date[] = [];
  try {
    const it = CronExpressionParser.parse(cron.trim(), { tz, currentDate: from });
    for (let i = 0; i < MAX_SLOTS; i++) {
      const next = it.next().toDate();
      if (next.getTime() > until.getTime()) return { slots, after: next };
      slots.push(next);
    }
    return { slots, after: it.next().toDate() };
  } catch {
    return { slots, after: null }; // an invalid stored cron is refused when saved; nothing to judge here
  }
}

/**
 * The slots this rule judges at `now`, oldest first, each with the window in which a run counts for it,
 * and which of them had no run. `runsAskedAt` are the creation times (ms) of the service's runs.
 */
export function judgeSlots(s: JudgedSchedule, now: Date, runsAskedAt: number[]): { slot: Date; missed: boolean }[] {
  const { slots, end } = judgedSlots(s, now);
  return slots.map((slot, i) => {
    const from = slot.getTime() - EARLY_MS;
    const to = (slots[i + 1] ?? end).getTime() - EARLY_MS;
    return { slot, missed: !runsAskedAt.some((t) => t >= from && t < to) };
  });
}

function judgedSlots(s: JudgedSchedule, now: Date): { slots: Date[]; end: Date } {
  const since = new Date(Math.max(s.createdAt.getTime(), s.updatedAt.getTime(), now.getTime() - MISSED_LOOKBACK_MS));
  const until = new Date(now.getTime() - GRACE_MS);
  if (until.getTime() <= since.getTime()) return { slots: [], end: until };
  const { slots, after } = slotsBetween(s.cron, s.tz, since, until);
  return { slots, end: after ?? new Date(8.64e15) };
}

/** The judged slots at `now` (oldest first), with whether each was missed, reading the service's runs. */
export async function findJudgedSlots(s: JudgedSchedule, now: Date): Promise<{ slot: Date; missed: boolean }[]> {
  const { slots, end } = judgedSlots(s, now);
  if (slots.length === 0) return [];
  const { rows } = await pool().query<{ at: Date }>(
    `select created_at as at from backup_runs where stack = $1 and service = $2 and created_at >= $3 and created_at < $4`,
    [s.stack, s.service, new Date(slots[0]!.getTime() - EARLY_MS), new Date(end.getTime() - EARLY_MS)],
  );
  return judgeSlots(s, now, rows.map((r) => r.at.getTime()));
}
