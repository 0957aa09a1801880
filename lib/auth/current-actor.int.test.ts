import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { anonymous, createTestUser, signedInActor, type TestUser } from "@/test/identity-fixtures";
import { useMigratedTestDatabase } from "@/test/test-database";
import { env } from "../config/env";
import { executeAction } from "../actions/define-action";
import { prisma } from "../db/prisma";
import { revokeUserSessionsAction } from "../users/actions/revoke-user-sessions";
import { sessionCookieName } from "./cookie-names";

// The request's cookies, as next/headers would give them to getCurrentActor.
const jar = new Map<string, string>();
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined) }),
  headers: async () => new Headers(),
}));

const { getCurrentActor } = await import("./current-actor");

describe("getCurrentActor: the session token, re-checked against the database", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("actor");
  });
  afterAll(async () => db.cleanup());
  beforeEach(() => jar.clear());

  /** Signs `user` in: a UserSession row and the JWT next-auth would set (sid + sub only). */
  async function signIn(user: TestUser, secret = env().NEXTAUTH_SECRET) {
    const actor = await signedInActor(user);
    jar.set(sessionCookieName(), await encode({ token: { sub: user.id, sid: actor.sessionId }, secret, maxAge: 3600 }));
    return actor;
  }

  it("resolves the actor, with role and email from the database", async () => {
    const user = await createTestUser({ role: "operator" });
    const actor = await signIn(user);
    expect(await getCurrentActor()).toMatchObject({ userId: user.id, email: user.email, role: "operator", sessionId: actor.sessionId });
    await prisma().user.update({ where: { id: user.id }, data: { role: "auditor" } });
    expect(await getCurrentActor()).toMatchObject({ role: "auditor" }); // the token did not change
  });

  it("fails the DB re-check once an admin revokes all the user's sessions", async () => {
    const user = await createTestUser();
    await signIn(user);
    expect(await getCurrentActor()).not.toBeNull();
    const admin = await createTestUser({ role: "admin" });
    const result = await executeAction(revokeUserSessionsAction, { ...anonymous(), actor: await signedInActor(admin) }, { userId: user.id });
    expect(result).toMatchObject({ ok: true, data: { sessionsEnded: 1 } });
    expect(await getCurrentActor()).toBeNull();
  });

  it("fails when only sessionsRevokedAt moved (a session row that was not marked revoked)", async () => {
    const user = await createTestUser();
    await signIn(user);
    await prisma().user.update({ where: { id: user.id }, data: { sessionsRevokedAt: new Date(Date.now() + 1000) } });
    expect(await getCurrentActor()).toBeNull();
  });

  it("fails for a revoked or expired session, a disabled user, or a user whose MFA was reset", async () => {
    const cases: [string, (user: TestUser, sessionId: string) => Promise<unknown>][] = [
      ["revoked", (_u, sid) => prisma().userSession.update({ where: { id: sid }, data: { revokedAt: new Date() } })],
      ["expired", (_u, sid) => prisma().userSession.update({ where: { id: sid }, data: { expiresAt: new Date(Date.now() - 1000) } })],
      ["disabled", (u) => prisma().user.update({ where: { id: u.id }, data: { disabledAt: new Date() } })],
      ["mfa reset", (u) => prisma().user.update({ where: { id: u.id }, data: { mfaEnabledAt: null, mfaSecret: null } })],
      ["deleted", (u) => prisma().user.delete({ where: { id: u.id } })],
    ];
    for (const [name, change] of cases) {
      const user = await createTestUser();
      const actor = await signIn(user);
      expect(await getCurrentActor(), name).not.toBeNull();
      await change(user, actor.sessionId);
      expect(await getCurrentActor(), name).toBeNull();
    }
  });

  it("ignores tokens it cannot trust: none, garbage, another secret, another user's session id", async () => {
    expect(await getCurrentActor()).toBeNull();
    jar.set(sessionCookieName(), "garbage");
    expect(await getCurrentActor()).toBeNull();
    const user = await createTestUser();
    await signIn(user, "another-secret-".padEnd(48, "z"));
    expect(await getCurrentActor()).toBeNull();
    const other = await createTestUser();
    const otherActor = await signedInActor(other);
    jar.set(sessionCookieName(), await encode({ token: { sub: user.id, sid: otherActor.sessionId }, secret: env().NEXTAUTH_SECRET, maxAge: 3600 }));
    expect(await getCurrentActor()).toBeNull();
  });

  it("updates lastSeenAt at most once a minute", async () => {
    const user = await createTestUser();
    const actor = await signIn(user);
    const old = new Date(Date.now() - 5 * 60_000);
    await prisma().userSession.update({ where: { id: actor.sessionId }, data: { lastSeenAt: old } });
    await getCurrentActor();
    const first = (await prisma().userSession.findUniqueOrThrow({ where: { id: actor.sessionId }, select: { lastSeenAt: true } })).lastSeenAt;
    expect(first.getTime()).toBeGreaterThan(old.getTime());
    await getCurrentActor();
    const second = (await prisma().userSession.findUniqueOrThrow({ where: { id: actor.sessionId }, select: { lastSeenAt: true } })).lastSeenAt;
    expect(second.getTime()).toBe(first.getTime());
  });
});
