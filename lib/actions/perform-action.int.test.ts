import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "./action-context";
import { defineAction, executeAction } from "./define-action";
import { performAction } from "./perform-action";
import type { Role } from "../auth/policy";
import { isAppError } from "../errors/app-error";

const ctxFor = (role: Role | null): ActionContext => ({
  actor: role ? { userId: "00000000-0000-4000-8000-000000000001", email: `${role}@example.com`, role, sessionId: "s", mfaAt: new Date() } : null,
  ip: "203.0.113.9",
  userAgent: "vitest",
  requestId: "req-1",
});

type Row = { action: string; outcome: string; correlation_id: string; params: unknown; actor_email: string | null; error: string | null };

describe("performAction", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("perform");
  });
  afterAll(async () => db.cleanup());

  const rows = (action: string) => superuserQuery<Row>(db.url, "select action, outcome, correlation_id, params, actor_email, error from audit_events where action = $1 order by seq", [action]);

  it("writes started before running and the outcome after, tied by one correlation id", async () => {
    let seenDuringRun: Row[] = [];
    await performAction(ctxFor("admin"), { action: "test.ok", permission: "users.manage", resource: { type: "test" }, params: { password: "hunter2", name: "n" } }, async () => {
      seenDuringRun = await rows("test.ok");
    });
    expect(seenDuringRun.map((r) => r.outcome)).toEqual(["started"]); // committed before the side effect
    const all = await rows("test.ok");
    expect(all.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    expect(all[0]!.correlation_id).toBe(all[1]!.correlation_id);
    expect(all[0]!.params).toEqual({ password: "[redacted]", name: "n" });
    expect(all[0]!.actor_email).toBe("admin@example.com");
  });

  it("records a failure with its message and rethrows", async () => {
    await expect(
      performAction(ctxFor("admin"), { action: "test.fail", permission: "users.manage", resource: { type: "test" } }, async () => {
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect((await rows("test.fail")).map((r) => [r.outcome, r.error])).toEqual([
      ["started", null],
      ["failed", "disk full"],
    ]);
  });

  it("denies a role without the permission: one denied row, nothing runs", async () => {
    let ran = false;
    const error = await performAction(ctxFor("viewer"), { action: "test.admin-only", permission: "users.manage", resource: { type: "test" } }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("FORBIDDEN");
    expect(ran).toBe(false);
    expect((await rows("test.admin-only")).map((r) => r.outcome)).toEqual(["denied"]);
  });

  it("denies an anonymous caller", async () => {
    let ran = false;
    const error = await performAction(ctxFor(null), { action: "test.anon", permission: "health.view", resource: { type: "test" } }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("UNAUTHENTICATED");
    expect(ran).toBe(false);
    expect((await rows("test.anon")).map((r) => [r.outcome, r.actor_email])).toEqual([["denied", null]]);
  });

  it("runs nothing and says so when the audit insert fails", async () => {
    await superuserQuery(
      db.url,
      `create function fail_audit() returns trigger language plpgsql as $$ begin raise exception 'audit storage unavailable'; end $$;
       create trigger fail_audit before insert on audit_events for each row execute function fail_audit();`,
    );
    const marker = `side-effect-${Date.now()}`;
    const action = defineAction({
      action: "test.side-effect",
      permission: "settings.manage",
      input: z.object({ value: z.string() }),
      resourceType: "setting",
      run: async (input) => {
        await superuserQuery(db.url, "insert into settings (key, value) values ($1, '1'::jsonb)", [input.value]);
      },
    });
    try {
      const result = await executeAction(action, ctxFor("admin"), { value: marker });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe("AUDIT_UNAVAILABLE");
      expect(!result.ok && result.error.message).toMatch(/Nothing was done/);
      expect(await superuserQuery(db.url, "select 1 from settings where key = $1", [marker])).toEqual([]);
    } finally {
      await superuserQuery(db.url, "drop trigger fail_audit on audit_events; drop function fail_audit();");
    }
  });

  it("validates input with zod after the permission check, with field errors", async () => {
    const action = defineAction({
      action: "test.validate",
      permission: "settings.manage",
      input: z.object({ days: z.coerce.number().int().min(30, "Keep audit rows at least 30 days") }),
      resourceType: "setting",
      run: async () => "ran",
    });
    const bad = await executeAction(action, ctxFor("admin"), { days: "7" });
    expect(bad).toEqual({ ok: false, error: { code: "INVALID_INPUT", message: "Some fields need attention.", fieldErrors: { days: ["Keep audit rows at least 30 days"] } } });
    const denied = await executeAction(action, ctxFor("auditor"), { days: "7" });
    expect(!denied.ok && denied.error.code).toBe("FORBIDDEN");
    expect((await rows("test.validate")).map((r) => r.outcome)).toEqual(["denied"]);
    expect(await executeAction(action, ctxFor("admin"), { days: "400" })).toEqual({ ok: true, data: "ran" });
  });

  it("hides unknown errors from the user", async () => {
    const action = defineAction({
      action: "test.crash",
      permission: "settings.manage",
      input: z.object({}),
      resourceType: "setting",
      run: async () => {
        throw new Error("ECONNRESET 10.0.0.3:5432 password=hunter2");
      },
    });
    const result = await executeAction(action, ctxFor("admin"), {});
    expect(!result.ok && result.error.code).toBe("INTERNAL");
    expect(!result.ok && result.error.message).not.toContain("hunter2");
  });
});
