/**
 * The restore actions' guards, called directly (as a forged server-action POST would reach them):
 * an operator is denied and audited and nothing runs; an admin must type the service name, and needs
 * MFA within 5 minutes (MFA_REQUIRED, audited as failed, nothing runs) until the TOTP step-up
 * re-proves it (session mfaAt moves to now; the same code cannot be replayed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { contextFor, createTestUser, currentCode, signedInActor, type TestUser } from "@/test/identity-fixtures";
import { executeAction } from "../actions/define-action";
import { resolveActiveSession } from "../auth/user-sessions";
import { mfaStepUpAction, restoreRollbackAction, restoreRunAction } from "./actions";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let admin: TestUser;
let operator: TestUser;

const input = { service: "db", backupId: "stack/db/20261125T021500123Z", dropAndReplace: "on", confirmService: "db", reason: "restore after bad migration" };

beforeAll(async () => {
  db = await useMigratedTestDatabase("restoreactions");
  [admin, operator] = await Promise.all([createTestUser({ role: "admin" }), createTestUser({ role: "operator" })]);
});
afterAll(async () => db?.cleanup());

const restoreRuns = async () => Number((await superuserQuery<{ n: string }>(db.url, "select count(*) as n from restore_runs"))[0]!.n);

describe("restore actions", () => {
  it("an operator calling restore.run or restore.rollback directly is denied and audited; nothing runs", async () => {
    const ctx = contextFor(await signedInActor(operator));
    expect(await executeAction(restoreRunAction, ctx, input)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await executeAction(restoreRollbackAction, ctx, { runId: "00000000-0000-4000-8000-000000000001", confirmService: "db", reason: "x y z" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const rows = await superuserQuery<{ action: string; outcome: string; role: string; error: string }>(db.url, "select action, outcome, actor_role as role, error from audit_events where actor_email = $1 order by seq", [operator.email]);
    expect(rows).toEqual([
      { action: "restore.run", outcome: "denied", role: "operator", error: "missing permission restores.run" },
      { action: "restore.rollback", outcome: "denied", role: "operator", error: "missing permission restores.run" },
    ]);
    expect(await restoreRuns()).toBe(0);
  });

  it("an admin must type the service name, and prove MFA again after 5 minutes (step-up)", async () => {
    const actor = await signedInActor(admin);
    const stale = { ...actor, mfaAt: new Date(Date.now() - 6 * 60_000) };
    await superuserQuery(db.url, "update user_sessions set mfa_at = $2 where id = $1", [actor.sessionId, stale.mfaAt]);

    expect(await executeAction(restoreRunAction, contextFor(stale), { ...input, confirmService: "clickhouse" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", message: 'Type the service name "db" exactly to confirm.' } });
    expect(await executeAction(restoreRunAction, contextFor(stale), { ...input, reason: "" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await executeAction(restoreRunAction, contextFor(stale), input)).toMatchObject({ ok: false, error: { code: "MFA_REQUIRED" } });
    const failed = await superuserQuery<{ outcome: string; error: string }>(db.url, "select outcome, error from audit_events where action = 'restore.run' and actor_email = $1 and outcome = 'failed' order by seq desc limit 1", [admin.email]);
    expect(failed[0]).toMatchObject({ outcome: "failed", error: expect.stringMatching(/^MFA_REQUIRED:/) });
    expect(await restoreRuns()).toBe(0);

    // Step-up: a wrong code is refused; the right one moves the session's mfaAt to now; a replay is refused.
    expect(await executeAction(mfaStepUpAction, contextFor(stale), { code: "000000" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    const code = await currentCode(admin.totpSecret!);
    const ok = await executeAction(mfaStepUpAction, contextFor(stale), { code });
    expect(ok.ok).toBe(true);
    expect(await executeAction(mfaStepUpAction, contextFor(stale), { code })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    const fresh = (await resolveActiveSession({ sessionId: actor.sessionId, userId: admin.id }))!;
    expect(Date.now() - fresh.mfaAt.getTime()).toBeLessThan(10_000);
    const stepUpAudit = await superuserQuery<{ params: unknown }>(db.url, "select params from audit_events where action = 'auth.mfa.step_up' and actor_email = $1", [admin.email]);
    expect(JSON.stringify(stepUpAudit)).not.toContain(code);

    // Past the guards now: with no stack config the service is unknown (nothing ran).
    expect(await executeAction(restoreRunAction, contextFor(fresh), input)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await restoreRuns()).toBe(0);
  });
});
