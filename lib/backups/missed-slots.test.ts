import { describe, expect, it } from "vitest";
import { EARLY_MS, GRACE_MS, judgeSlots } from "./missed-slots";

const schedule = (cron: string, createdAt = "2026-11-01T00:00:00Z", extra: { tz?: string; updatedAt?: string } = {}) => ({
  stack: "posthog",
  service: "db",
  cron,
  tz: extra.tz ?? "UTC",
  createdAt: new Date(createdAt),
  updatedAt: new Date(extra.updatedAt ?? createdAt),
});
const at = (iso: string) => Date.parse(iso);
const missed = (judged: { slot: Date; missed: boolean }[]) => judged.filter((j) => j.missed).map((j) => j.slot.toISOString());

describe("the missed-slot rule (dashboard and alert alike)", () => {
  it("a daily slot with a run from a minute before it is kept; without one it is missed once its grace passed", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const judged = judgeSlots(schedule("0 2 * * *"), now, [at("2026-11-25T01:59:30Z")]);
    expect(judged.map((j) => j.slot.toISOString())).toEqual(["2026-11-25T02:00:00.000Z"]); // only the last 24 h
    expect(missed(judged)).toEqual([]);
    expect(missed(judgeSlots(schedule("0 2 * * *"), now, [at("2026-11-25T01:58:00Z")]))).toEqual(["2026-11-25T02:00:00.000Z"]); // too early
    expect(missed(judgeSlots(schedule("0 2 * * *"), now, []))).toEqual(["2026-11-25T02:00:00.000Z"]);
  });

  it("within the grace a slot is not judged yet", () => {
    const slot = at("2026-11-25T02:00:00Z");
    expect(judgeSlots(schedule("0 2 * * *", "2026-11-25T00:00:00Z"), new Date(slot + GRACE_MS - 1), [])).toEqual([]);
    expect(missed(judgeSlots(schedule("0 2 * * *", "2026-11-25T00:00:00Z"), new Date(slot + GRACE_MS), []))).toEqual(["2026-11-25T02:00:00.000Z"]);
  });

  it("each slot of a frequent schedule is judged on its own: one run does not cover the slots after it", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    // Every 5 minutes, made at 10:50; one run at 11:00 only. Judged: 10:55 … 11:30 (11:35 onwards is in the grace).
    const judged = judgeSlots(schedule("*/5 * * * *", "2026-11-25T10:50:00Z"), now, [at("2026-11-25T11:00:05Z")]);
    expect(judged[0]!.slot.toISOString()).toBe("2026-11-25T10:55:00.000Z");
    expect(judged[judged.length - 1]!.slot.toISOString()).toBe("2026-11-25T11:30:00.000Z");
    expect(missed(judged)).toHaveLength(judged.length - 1);
    expect(judged.find((j) => j.slot.toISOString() === "2026-11-25T11:00:00.000Z")!.missed).toBe(false);
    // The latest slot past the grace was missed: the dashboard says so (the old rule looked at 11:55 only, within the grace, and never warned).
    expect(judged[judged.length - 1]!.missed).toBe(true);
  });

  it("slots before the schedule was made or last changed are not judged; a run's window ends a minute before the next slot", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(judgeSlots(schedule("0 2 * * *", "2026-11-25T09:00:00Z"), now, [])).toEqual([]);
    expect(judgeSlots(schedule("0 2 * * *", "2026-11-01T00:00:00Z", { updatedAt: "2026-11-25T08:00:00Z" }), now, [])).toEqual([]);
    const hourly = judgeSlots(schedule("0 * * * *", "2026-11-25T08:30:00Z"), now, [at("2026-11-25T09:59:00Z") - EARLY_MS]);
    // 09:58 counts for 09:00 (before 10:00 - 1 min), not for 10:00.
    expect(missed(hourly)).toEqual(["2026-11-25T10:00:00.000Z", "2026-11-25T11:00:00.000Z"]);
  });

  it("slots are read in the schedule's time zone", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(missed(judgeSlots(schedule("0 3 * * *", "2026-11-24T12:00:00Z", { tz: "Europe/Paris" }), now, []))).toEqual(["2026-11-25T02:00:00.000Z"]);
  });
});
