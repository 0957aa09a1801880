/**
 * Grandfather-father-son retention on a synthetic 400-day history (one backup a day at 02:00 UTC):
 * exactly the expected set is kept; with the recent runs failing nothing is deleted; failed days do
 * not age good backups out; named backups and the newest good one always stay.
 */
import { describe, expect, it } from "vitest";
import { isoWeekKey, planRetention, type RecentRun, type RetentionCandidate } from "./retention-plan";

const NOW = new Date("2026-11-25T12:00:00Z"); // a Wednesday
const day = (iso: string) => new Date(`${iso}T02:00:00.000Z`);
const idOf = (d: Date) => `posthog/db/${d.toISOString().replace(/[-:]/g, "").replace(".", "")}`;

function history(days: number, skip: (d: Date) => boolean = () => false): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let i = 0; i < days; i++) {
    const d = new Date(day("2026-11-25").getTime() - i * 86_400_000);
    if (!skip(d)) out.push({ id: idOf(d), startedAt: d, name: null, good: true });
  }
  return out;
}

const succeeded = (d: Date): RecentRun => ({ status: "succeeded", at: d });

describe("planRetention", () => {
  it("keeps exactly 7 daily, 4 weekly and 12 monthly backups of a 400-day history", () => {
    const backups = history(400);
    expect(backups.at(-1)!.startedAt.toISOString().slice(0, 10)).toBe("2025-10-22");
    const plan = planRetention(backups, [succeeded(day("2026-11-25"))]);
    const kept = plan.keep.map((k) => k.id.slice(11, 19)).sort();
    expect(kept).toEqual(
      [
        // daily: the last 7 days
        "20261125", "20261124", "20261123", "20261122", "20261121", "20261120", "20261119",
        // weekly (ISO weeks, newest of each): W48 → 11-25, W47 → 11-22, W46 → 11-15, W45 → 11-08
        "20261115", "20261108",
        // monthly: newest of each of the last 12 months, 2026-11 … 2025-12
        "20261031", "20260930", "20260831", "20260731", "20260630", "20260531", "20260430", "20260331", "20260228", "20260131", "20251231",
      ].sort(),
    );
    expect(plan.keep).toHaveLength(20);
    expect(plan.delete).toHaveLength(380);
    expect(plan.paused).toBe(false);
    const reasons = Object.fromEntries(plan.keep.map((k) => [k.id.slice(11, 19), k.reasons.sort()]));
    expect(reasons["20261125"]).toEqual(["daily", "min-keep", "monthly", "newest-good", "weekly"]);
    expect(reasons["20261108"]).toEqual(["weekly"]);
    expect(reasons["20251231"]).toEqual(["monthly"]);
    expect(isoWeekKey(new Date("2026-11-23T00:00:00Z"))).toBe("2026-W48");
    expect(isoWeekKey(new Date("2027-01-01T00:00:00Z"))).toBe("2026-W53");
  });

  it("deletes nothing while the recent runs are failing (preview still shows what it would delete)", () => {
    const backups = history(400);
    const runs: RecentRun[] = [
      { status: "failed", at: new Date("2026-11-25T02:00:00Z") },
      { status: "interrupted", at: new Date("2026-11-24T02:00:00Z") },
      { status: "failed", at: new Date("2026-11-23T02:00:00Z") },
      succeeded(new Date("2026-11-22T02:00:00Z")),
    ];
    const plan = planRetention(backups, runs);
    expect(plan.paused).toBe(true);
    expect(plan.delete).toEqual([]);
    expect(plan.wouldDelete).toHaveLength(380);
    expect(plan.pausedReason).toMatch(/last 3 backup runs/);
  });

  it("ten days of failures do not age good backups out (days are counted where backups exist)", () => {
    // No backup the last 10 days; the runs since then succeeded again just now? No: a success resumes deletion.
    const backups = history(60, (d) => d > new Date("2026-11-15T12:00:00Z"));
    const plan = planRetention(backups, [succeeded(NOW)]);
    const daily = plan.keep.filter((k) => k.reasons.includes("daily")).map((k) => k.id.slice(11, 19));
    expect(daily).toEqual(["20261115", "20261114", "20261113", "20261112", "20261111", "20261110", "20261109"]);
  });

  it("keeps named backups, bad ones, the newest good one and at least minKeep good ones", () => {
    const backups: RetentionCandidate[] = [
      { id: "s/db/20261125T020000000Z", startedAt: day("2026-11-25"), name: null, good: false },
      { id: "s/db/20261124T020000000Z", startedAt: day("2026-11-24"), name: null, good: true },
      { id: "s/db/20261001T020000000Z-pre-upgrade-1.2.0", startedAt: day("2026-10-01"), name: "pre-upgrade-1.2.0", good: true },
      { id: "s/db/20250101T020000000Z", startedAt: day("2025-01-01"), name: null, good: true },
    ];
    const plan = planRetention(backups, [succeeded(NOW)], { daily: 0, weekly: 0, monthly: 0, minKeep: 1 });
    expect(Object.fromEntries(plan.keep.map((k) => [k.id, k.reasons.sort()]))).toEqual({
      "s/db/20261125T020000000Z": ["not-verified-good"],
      "s/db/20261124T020000000Z": ["min-keep", "newest-good"],
      "s/db/20261001T020000000Z-pre-upgrade-1.2.0": ["named"],
    });
    expect(plan.delete).toEqual(["s/db/20250101T020000000Z"]);
  });
});
