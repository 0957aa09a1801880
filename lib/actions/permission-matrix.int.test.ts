/**
 * The permission matrix: every registered action, called directly (as a forged server-action POST
 * would reach it, not through the UI) by every role and by an anonymous caller. Denied exactly where
 * the role table says, and every denial leaves a `denied` audit row naming the action and the role.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { ROLES, type Role } from "../auth/policy";
import type { ActionContext } from "./action-context";
import { executeAction } from "./define-action";
import { ACTION_REGISTRY } from "./registry";

const ctxFor = (role: Role | null): ActionContext => ({
  actor: role ? { userId: "00000000-0000-4000-8000-00000000000a", email: `matrix-${role}@example.com`, role, sessionId: "00000000-0000-4000-8000-00000000000b", mfaAt: new Date() } : null,
  ip: "198.51.100.23",
  userAgent: "permission-matrix",
  requestId: "matrix",
});

describe("permission matrix (every action × every role, called directly)", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("matrix");
  });
  afterAll(async () => db.cleanup());

  const guarded = ACTION_REGISTRY.filter((e) => e.allowed !== "public");

  it("covers every non-public action in the registry", () => {
    expect(guarded.length).toBeGreaterThanOrEqual(10);
  });

  for (const { definition, allowed } of guarded) {
    for (const role of [...ROLES, null]) {
      const permitted = role !== null && (allowed as readonly Role[]).includes(role);
      it(`${definition.action} × ${role ?? "anonymous"} → ${permitted ? "allowed" : "denied"}`, async () => {
        const before = await superuserQuery<{ n: string }>(
          db.url,
          "select count(*) as n from audit_events where action = $1 and outcome = 'denied' and actor_email is not distinct from $2",
          [definition.action, role ? `matrix-${role}@example.com` : null],
        );
        // Empty input: an allowed caller gets past authorization (then fails validation or the lookup);
        // a denied caller is refused before the input is even read.
        const result = await executeAction(definition, ctxFor(role), {});
        const after = await superuserQuery<{ n: string }>(
          db.url,
          "select count(*) as n from audit_events where action = $1 and outcome = 'denied' and actor_email is not distinct from $2",
          [definition.action, role ? `matrix-${role}@example.com` : null],
        );
        const deniedRows = Number(after[0]!.n) - Number(before[0]!.n);
        if (permitted) {
          if (!result.ok) expect(["FORBIDDEN", "UNAUTHENTICATED"]).not.toContain(result.error.code);
          expect(deniedRows).toBe(0);
        } else {
          expect(result.ok).toBe(false);
          expect(!result.ok && result.error.code).toBe(role === null ? "UNAUTHENTICATED" : "FORBIDDEN");
          expect(deniedRows).toBe(1);
        }
      });
    }
  }
});
