import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextFor, createTestUser, signedInActor, uniqueEmail, type TestUser } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { Actor } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import { regenerateRecoveryCodesAction } from "../auth/actions/regenerate-recovery-codes";
import { revokeOwnSessionAction } from "../auth/actions/revoke-own-session";
import { signOutAction } from "../auth/actions/sign-out";
import { lookUpSetupToken } from "../auth/setup-tokens";
import { resolveActiveSession } from "../auth/user-sessions";
import { prisma } from "../db/prisma";
import { changeUserRoleAction } from "./actions/change-role";
import { createUserAction } from "./actions/create-user";
import { deleteUserAction } from "./actions/delete-user";
import { disableUserAction } from "./actions/disable-user";
import { enableUserAction } from "./actions/enable-user";
import { issueSetupLinkAction } from "./actions/issue-setup-link";
import { resetUserMfaAction } from "./actions/reset-mfa";
import { listUsers } from "./list-users";

describe("user administration", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("users");
  });
  afterAll(async () => db.cleanup());

  const as = (actor: Actor) => contextFor(actor);
  const adminActor = async () => signedInActor(await createTestUser({ role: "admin" }));
  /** Leaves exactly the given users as the enabled admins. */
  async function onlyAdmins(...keep: TestUser[]) {
    await prisma().user.updateMany({ where: { role: "admin", id: { notIn: keep.map((u) => u.id) } }, data: { role: "viewer" } });
  }

  describe("the last enabled admin", () => {
    it("cannot be demoted, disabled or deleted; with a second admin it can", async () => {
      const a = await createTestUser({ role: "admin" });
      const b = await createTestUser({ role: "admin" });
      await onlyAdmins(a, b);
      const actorA = await signedInActor(a);
      const actorB = await signedInActor(b);

      expect(await executeAction(changeUserRoleAction, as(actorA), { userId: b.id, role: "operator" })).toMatchObject({ ok: true });
      // Now a is the last enabled admin: b (an operator now) cannot do anything, and a cannot remove itself.
      const demote = await executeAction(changeUserRoleAction, as(actorA), { userId: a.id, role: "viewer" });
      expect(demote).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/last enabled admin/) } });
      expect((await executeAction(changeUserRoleAction, as(actorB), { userId: a.id, role: "viewer" })).ok).toBe(false);

      const helper = await createTestUser({ role: "admin", disabled: true }); // a disabled admin does not count
      const helperActor = { ...(await signedInActor(helper)) };
      for (const [action, verb] of [
        [disableUserAction, "disabling"],
        [deleteUserAction, "deleting"],
      ] as const) {
        const result = await executeAction(action, as(helperActor), { userId: a.id });
        expect(result).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringContaining(verb) } });
      }
      const still = await prisma().user.findUniqueOrThrow({ where: { id: a.id }, select: { role: true, disabledAt: true } });
      expect(still).toEqual({ role: "admin", disabledAt: null });

      // Promote b again: now a may be demoted.
      expect((await executeAction(changeUserRoleAction, as(actorA), { userId: b.id, role: "admin" })).ok).toBe(true);
      expect((await executeAction(changeUserRoleAction, as(actorB), { userId: a.id, role: "viewer" })).ok).toBe(true);
    });

    it("two admins demoting each other at once: exactly one succeeds", async () => {
      const a = await createTestUser({ role: "admin" });
      const b = await createTestUser({ role: "admin" });
      await onlyAdmins(a, b);
      const [actorA, actorB] = [await signedInActor(a), await signedInActor(b)];
      const results = await Promise.all([
        executeAction(changeUserRoleAction, as(actorA), { userId: b.id, role: "viewer" }),
        executeAction(changeUserRoleAction, as(actorB), { userId: a.id, role: "viewer" }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await prisma().user.count({ where: { role: "admin", disabledAt: null } })).toBe(1);
    });

    it("an admin cannot disable or delete their own account", async () => {
      const admin = await adminActor();
      expect(await executeAction(disableUserAction, as(admin), { userId: admin.userId })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
      expect(await executeAction(deleteUserAction, as(admin), { userId: admin.userId })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    });
  });

  it("creates a user with a one-time setup link; a duplicate email is refused", async () => {
    const admin = await adminActor();
    const email = uniqueEmail("new");
    const created = await executeAction(createUserAction, as(admin), { email: ` ${email.toUpperCase()} `, name: "Grace", role: "auditor" });
    expect(created).toMatchObject({ ok: true, data: { email, setupPath: expect.stringMatching(/^\/setup\/[\w-]{43}$/) } });
    const token = created.ok ? created.data.setupPath.split("/").at(-1)! : "";
    expect(await lookUpSetupToken(token)).toMatchObject({ state: "usable", token: { purpose: "invite", email, role: "auditor" } });
    const row = (await listUsers(admin)).find((u) => u.email === email);
    expect(row).toMatchObject({ status: "invited", role: "auditor", mfaEnrolled: false, name: "Grace" });
    expect(row?.inviteExpiresAt).not.toBeNull();
    expect(await executeAction(createUserAction, as(admin), { email, role: "viewer" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    // The token is not in the audit log.
    expect(await superuserQuery(db.url, "select 1 from audit_events where params::text like $1", [`%${token}%`])).toEqual([]);
  });

  it("a new setup link replaces the previous one", async () => {
    const admin = await adminActor();
    const created = await executeAction(createUserAction, as(admin), { email: uniqueEmail("relink"), role: "viewer" });
    const first = created.ok ? created.data.setupPath.split("/").at(-1)! : "";
    const issued = await executeAction(issueSetupLinkAction, as(admin), { userId: created.ok ? created.data.userId : "" });
    expect(issued).toMatchObject({ ok: true, data: { purpose: "invite" } });
    expect(await lookUpSetupToken(first)).toEqual({ state: "unknown" });
    const user = await createTestUser();
    expect(await executeAction(issueSetupLinkAction, as(admin), { userId: user.id })).toMatchObject({ ok: true, data: { purpose: "reset" } });
  });

  it("disable ends sessions at once; enable lets the user sign in again but old sessions stay ended", async () => {
    const admin = await adminActor();
    const user = await createTestUser();
    const session = await signedInActor(user);
    expect(await executeAction(disableUserAction, as(admin), { userId: user.id })).toMatchObject({ ok: true });
    expect(await resolveActiveSession({ sessionId: session.sessionId, userId: user.id })).toBeNull();
    expect(await executeAction(enableUserAction, as(admin), { userId: user.id })).toMatchObject({ ok: true });
    expect(await resolveActiveSession({ sessionId: session.sessionId, userId: user.id })).toBeNull();
    const fresh = await signedInActor(user);
    expect(await resolveActiveSession({ sessionId: fresh.sessionId, userId: user.id })).not.toBeNull();
  });

  it("reset MFA removes the authenticator and recovery codes and ends sessions", async () => {
    const admin = await adminActor();
    const user = await createTestUser();
    const session = await signedInActor(user);
    expect((await executeAction(regenerateRecoveryCodesAction, as(session), {})).ok).toBe(true);
    expect(await executeAction(resetUserMfaAction, as(admin), { userId: user.id })).toMatchObject({ ok: true });
    const row = await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { mfaSecret: true, mfaEnabledAt: true, mfaLastStep: true } });
    expect(row).toEqual({ mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null });
    expect(await prisma().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await resolveActiveSession({ sessionId: session.sessionId, userId: user.id })).toBeNull();
  });

  it("delete removes the account and its sessions; its audit rows stay", async () => {
    const admin = await adminActor();
    const user = await createTestUser();
    const session = await signedInActor(user);
    await executeAction(signOutAction, as(await signedInActor(user)), {}); // leaves an audit row with the user as actor
    expect(await executeAction(deleteUserAction, as(admin), { userId: user.id })).toMatchObject({ ok: true, data: { email: user.email } });
    expect(await prisma().user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(await prisma().userSession.findUnique({ where: { id: session.sessionId } })).toBeNull();
    expect(await superuserQuery(db.url, "select 1 from audit_events where actor_email = $1", [user.email])).not.toEqual([]);
    expect(await executeAction(deleteUserAction, as(admin), { userId: user.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  describe("own sessions", () => {
    it("a user revokes one of their own sessions", async () => {
      const user = await createTestUser();
      const here = await signedInActor(user);
      const laptop = await signedInActor(user);
      expect(await executeAction(revokeOwnSessionAction, as(here), { sessionId: laptop.sessionId })).toMatchObject({ ok: true, data: { current: false } });
      expect(await resolveActiveSession({ sessionId: laptop.sessionId, userId: user.id })).toBeNull();
      expect(await resolveActiveSession({ sessionId: here.sessionId, userId: user.id })).not.toBeNull();
    });

    it("try to break it: revoking another user's session id is refused, and that session lives on", async () => {
      const attacker = await signedInActor(await createTestUser({ role: "operator" }));
      const victimUser = await createTestUser({ role: "admin" });
      const victim = await signedInActor(victimUser);
      const result = await executeAction(revokeOwnSessionAction, as(attacker), { sessionId: victim.sessionId });
      expect(result).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
      expect(await resolveActiveSession({ sessionId: victim.sessionId, userId: victimUser.id })).not.toBeNull();
      const audit = await superuserQuery<{ outcome: string; actor_email: string }>(db.url, "select outcome, actor_email from audit_events where action = 'session.revoke' and resource_id = $1 order by seq", [
        victim.sessionId,
      ]);
      expect(audit).toEqual([
        { outcome: "started", actor_email: attacker.email },
        { outcome: "failed", actor_email: attacker.email },
      ]);
    });

    it("sign-out revokes this session server-side", async () => {
      const user = await createTestUser();
      const session = await signedInActor(user);
      expect(await executeAction(signOutAction, as(session), {})).toMatchObject({ ok: true });
      expect(await resolveActiveSession({ sessionId: session.sessionId, userId: user.id })).toBeNull();
    });

    it("new recovery codes replace the old ones", async () => {
      const session = await signedInActor(await createTestUser());
      const first = await executeAction(regenerateRecoveryCodesAction, as(session), {});
      const second = await executeAction(regenerateRecoveryCodesAction, as(session), {});
      expect(first.ok && second.ok).toBe(true);
      if (first.ok && second.ok) expect(first.data.recoveryCodes.some((c) => second.data.recoveryCodes.includes(c))).toBe(false);
      expect(await prisma().recoveryCode.count({ where: { userId: session.userId } })).toBe(10);
    });
  });

  it("non-admins are denied every user-management action, with a denied audit row and no change", async () => {
    const target = await createTestUser();
    for (const role of ["viewer", "operator", "auditor"] as const) {
      const actor = await signedInActor(await createTestUser({ role }));
      const result = await executeAction(disableUserAction, as(actor), { userId: target.id });
      expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      await expect(listUsers(actor)).rejects.toThrow(/managing users/);
    }
    expect((await prisma().user.findUniqueOrThrow({ where: { id: target.id }, select: { disabledAt: true } })).disabledAt).toBeNull();
    const denied = await superuserQuery(db.url, "select actor_role from audit_events where action = 'user.disable' and outcome = 'denied' order by seq");
    expect(denied.map((r) => r.actor_role)).toEqual(["viewer", "operator", "auditor"]);
  });
});
