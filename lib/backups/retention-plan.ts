/**
 * Grandfather-father-son retention as a pure function (what to keep, what to delete, and why), so the
 * preview and the deletion run the same code:
 * - daily: the newest backup of each of the last `daily` UTC days that HAVE a backup; weekly: of the
 *   last `weekly` ISO weeks that have one; monthly: of the last `monthly` months that have one. Counting
 *   days with backups (not calendar days) means a week of failures does not age good backups out;
 * - the newest `minKeep` good backups are always kept, and the newest good backup in any case;
 * - named backups (`pre-upgrade-…`) are kept: they were made on purpose and are deleted by hand;
 * - backups that are not good (unreadable manifest, failed verification) are never deleted automatically;
 * - deletion pauses entirely while the service's most recent backup runs are failing.
 */
export type RetentionPolicy = { daily: number; weekly: number; monthly: number; minKeep: number };

export const DEFAULT_RETENTION: RetentionPolicy = { daily: 7, weekly: 4, monthly: 12, minKeep: 3 };

export type RetentionCandidate = { id: string; startedAt: Date; name: string | null; good: boolean };
export type RecentRun = { status: "succeeded" | "failed" | "interrupted" | "queued" | "running"; at: Date };

export type KeepReason = "daily" | "weekly" | "monthly" | "min-keep" | "newest-good" | "named" | "not-verified-good";

export type RetentionPlan = {
  keep: Array<{ id: string; reasons: KeepReason[] }>;
  /** Deleted when applied (empty while paused). */
  delete: string[];
  /** What the policy would delete if it were not paused. */
  wouldDelete: string[];
  paused: boolean;
  pausedReason: string | null;
};

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);
/** ISO-8601 week, e.g. 2026-W48 (weeks start on Monday; the week's year is that of its Thursday). */
export function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export function planRetention(candidates: readonly RetentionCandidate[], recentRuns: readonly RecentRun[], policy: RetentionPolicy = DEFAULT_RETENTION): RetentionPlan {
  const reasons = new Map<string, Set<KeepReason>>();
  const keep = (id: string, r: KeepReason) => (reasons.get(id) ?? reasons.set(id, new Set()).get(id)!).add(r);
  const sorted = [...candidates].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  for (const c of sorted) {
    if (c.name) keep(c.id, "named");
    if (!c.good) keep(c.id, "not-verified-good");
  }
  const pool = sorted.filter((c) => c.good && !c.name);
  const bucket = (count: number, key: (d: Date) => string, reason: KeepReason) => {
    const seen = new Set<string>();
    for (const c of pool) {
      if (seen.size >= count) break;
      const k = key(c.startedAt);
      if (seen.has(k)) continue;
      seen.add(k);
      keep(c.id, reason);
    }
  };
  bucket(policy.daily, dayKey, "daily");
  bucket(policy.weekly, isoWeekKey, "weekly");
  bucket(policy.monthly, monthKey, "monthly");
  const good = sorted.filter((c) => c.good);
  good.slice(0, policy.minKeep).forEach((c) => keep(c.id, "min-keep"));
  if (good[0]) keep(good[0].id, "newest-good");

  const wouldDelete = sorted.filter((c) => !reasons.has(c.id)).map((c) => c.id);
  const finished = [...recentRuns].filter((r) => r.status !== "queued" && r.status !== "running").sort((a, b) => b.at.getTime() - a.at.getTime());
  let failing = 0;
  for (const r of finished) {
    if (r.status === "succeeded") break;
    failing++;
  }
  const paused = failing > 0;
  return {
    keep: sorted.filter((c) => reasons.has(c.id)).map((c) => ({ id: c.id, reasons: [...reasons.get(c.id)!] })),
    delete: paused ? [] : wouldDelete,
    wouldDelete,
    paused,
    pausedReason: paused ? `the last ${failing === 1 ? "backup run" : `${failing} backup runs`} of this service failed: nothing is deleted until a backup succeeds again` : null,
  };
}
