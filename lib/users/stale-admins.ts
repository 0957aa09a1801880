/**
 * Unused admins (the runbook: "remove unused admins promptly"): an enabled admin who has not signed in for
 * `days` days, or who never signed in and was created at least that long ago. Pure: the Users page and its
 * tests give it the rows and the clock.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export type StaleAdminCandidate = {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
};

export type StaleAdmin = {
  id: string;
  email: string;
  /** Whole days since the last sign-in, or since the account was created when it never signed in. */
  idleDays: number;
  neverSignedIn: boolean;
};

export function findStaleAdmins(users: readonly StaleAdminCandidate[], options: { now: Date; days: number }): StaleAdmin[] {
  const { now, days } = options;
  if (!Number.isFinite(days) || days < 1) throw new RangeError("days must be at least 1");
  const stale: StaleAdmin[] = [];
  for (const u of users) {
    if (u.role !== "admin" || u.disabled) continue;
    const since = u.lastSignInAt ?? u.createdAt;
    const idleMs = now.getTime() - since.getTime();
    if (idleMs < days * DAY_MS) continue;
    stale.push({ id: u.id, email: u.email, idleDays: Math.floor(idleMs / DAY_MS), neverSignedIn: u.lastSignInAt === null });
  }
  // Longest idle first: the most likely to be forgotten.
  return stale.sort((a, b) => b.idleDays - a.idleDays || a.email.localeCompare(b.email));
}

/** The row's flag: "No sign-in for 47 days" / "Never signed in (created 47 days ago)". */
export function describeStaleAdmin(admin: Pick<StaleAdmin, "idleDays" | "neverSignedIn">): string {
  const days = `${admin.idleDays} day${admin.idleDays === 1 ? "" : "s"}`;
  return admin.neverSignedIn ? `Never signed in (created ${days} ago)` : `No sign-in for ${days}`;
}

/** The warning card's headline: "2 admins have not signed in for 30 days — …". */
export function staleAdminsHeadline(count: number, days: number): string {
  const who = count === 1 ? "1 admin has" : `${count} admins have`;
  return `${who} not signed in for ${days} day${days === 1 ? "" : "s"} — the runbook says remove unused admins promptly`;
}
