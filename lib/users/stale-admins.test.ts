import { describe, expect, it } from "vitest";
import { describeStaleAdmin, findStaleAdmins, staleAdminsHeadline, type StaleAdminCandidate } from "./stale-admins";

const NOW = new Date("2026-12-06T12:00:00Z");
const daysAgo = (d: number, extraMs = 0) => new Date(NOW.getTime() - d * 86_400_000 - extraMs);

let n = 0;
function user(overrides: Partial<StaleAdminCandidate>): StaleAdminCandidate {
  n += 1;
  return { id: `u${n}`, email: `u${n}@example.com`, role: "admin", disabled: false, lastSignInAt: daysAgo(1), createdAt: daysAgo(400), ...overrides };
}

describe("findStaleAdmins", () => {
  it("flags an enabled admin whose last sign-in is N or more days ago, with the idle days", () => {
    const old = user({ email: "old@example.com", lastSignInAt: daysAgo(47, 5_000) });
    const recent = user({ lastSignInAt: daysAgo(29) });
    expect(findStaleAdmins([old, recent], { now: NOW, days: 30 })).toEqual([{ id: old.id, email: "old@example.com", idleDays: 47, neverSignedIn: false }]);
  });

  it("uses the boundary exactly: 30 days ago is stale, 1 ms short of it is not", () => {
    const exactly = user({ lastSignInAt: daysAgo(30) });
    const almost = user({ lastSignInAt: new Date(daysAgo(30).getTime() + 1) });
    expect(findStaleAdmins([exactly, almost], { now: NOW, days: 30 }).map((s) => s.id)).toEqual([exactly.id]);
  });

  it("counts a never-signed-in admin created more than N days ago, not one created recently", () => {
    const forgotten = user({ lastSignInAt: null, createdAt: daysAgo(60) });
    const fresh = user({ lastSignInAt: null, createdAt: daysAgo(2) });
    expect(findStaleAdmins([forgotten, fresh], { now: NOW, days: 30 })).toEqual([{ id: forgotten.id, email: forgotten.email, idleDays: 60, neverSignedIn: true }]);
  });

  it("ignores disabled admins and other roles, however idle", () => {
    const rows = [user({ disabled: true, lastSignInAt: daysAgo(300) }), user({ role: "operator", lastSignInAt: daysAgo(300) }), user({ role: "auditor", lastSignInAt: null })];
    expect(findStaleAdmins(rows, { now: NOW, days: 30 })).toEqual([]);
  });

  it("follows the configured number of days and lists the longest idle first", () => {
    const a = user({ lastSignInAt: daysAgo(8) });
    const b = user({ lastSignInAt: daysAgo(90) });
    const c = user({ lastSignInAt: daysAgo(3) });
    expect(findStaleAdmins([a, b, c], { now: NOW, days: 7 }).map((s) => s.id)).toEqual([b.id, a.id]);
    expect(findStaleAdmins([a, b, c], { now: NOW, days: 100 })).toEqual([]);
  });

  it("refuses a nonsensical threshold", () => {
    expect(() => findStaleAdmins([], { now: NOW, days: 0 })).toThrow(RangeError);
  });
});

describe("stale admin copy", () => {
  it("says how long in plain words", () => {
    expect(describeStaleAdmin({ idleDays: 47, neverSignedIn: false })).toBe("No sign-in for 47 days");
    expect(describeStaleAdmin({ idleDays: 1, neverSignedIn: false })).toBe("No sign-in for 1 day");
    expect(describeStaleAdmin({ idleDays: 31, neverSignedIn: true })).toBe("Never signed in (created 31 days ago)");
    expect(staleAdminsHeadline(2, 30)).toBe("2 admins have not signed in for 30 days — the runbook says remove unused admins promptly");
    expect(staleAdminsHeadline(1, 30)).toMatch(/^1 admin has not signed in for 30 days/);
  });
});
