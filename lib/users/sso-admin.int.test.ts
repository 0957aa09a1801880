/**
 * The admin side of SSO on the Users page, against a real database and two real OpenID Providers
 * (panva's oidc-provider on loopback): each user's source and status, "Sign out all SSO users", admin
 * link grants (allow → link at the next sign-in; scoped to one provider; single use; expiry) and unlinking.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loginAtIdp, startTestIdp, type TestIdp } from "@/e2e/fixtures/oidc-idp";
import { anonymous, contextFor, createTestUser, signedInActor, uniqueEmail, type TestUser } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { Actor } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import { beginAuthorization, resetOidcConfigurations } from "../auth/oidc/client";
import { oidcProvider } from "../auth/oidc/config";
import { EMAIL_IN_USE_MESSAGE, signInWithOidcAction } from "../auth/oidc/sign-in-with-oidc";
import { resolveActiveSession } from "../auth/user-sessions";
import { prisma } from "../db/prisma";
import { allowIdentityLinkAction } from "./actions/allow-identity-link";
import { revokeSsoSessionsAction } from "./actions/revoke-sso-sessions";
import { unlinkIdentityAction } from "./actions/unlink-identity";
import { LINK_GRANT_TTL_MS } from "./identity-link-grants";
import { listUsers } from "./list-users";

const CALLBACK = (id: string) => `http://127.0.0.1:3999/api/auth/oidc/${id}/callback`;
type AuditRow = { action: string; outcome: string; actor_email: string | null; resource_id: string | null; params: Record<string, unknown> | null; error: string | null };

describe("SSO user administration", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let idpA: TestIdp;
  let idpB: TestIdp;
  let admin: Actor;

  beforeAll(async () => {
    db = await useMigratedTestDatabase("ssoadmin");
    const redirectUris = [CALLBACK("alpha"), CALLBACK("beta")];
    idpA = await startTestIdp({ redirectUris, accounts: {} });
    idpB = await startTestIdp({ redirectUris, accounts: {} });
    admin = await signedInActor(await createTestUser({ role: "admin" }));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await idpA?.close();
    await idpB?.close();
    await db?.cleanup();
  });

  beforeEach(() => {
    const common = { scopes: ["openid", "email", "profile", "groups"], roleMapping: { ops: "operator", "ops-admins": "admin" }, trustIdpMfa: true };
    vi.stubEnv("OPSDECK_OIDC_ALPHA_SECRET", idpA.clientSecret);
    vi.stubEnv("OPSDECK_OIDC_BETA_SECRET", idpB.clientSecret);
    vi.stubEnv(
      "OPSDECK_OIDC_PROVIDERS",
      JSON.stringify([
        { id: "alpha", name: "Alpha SSO", issuer: idpA.issuer, clientId: idpA.clientId, clientSecretEnv: "OPSDECK_OIDC_ALPHA_SECRET", ...common },
        { id: "beta", name: "Beta Login", issuer: idpB.issuer, clientId: idpB.clientId, clientSecretEnv: "OPSDECK_OIDC_BETA_SECRET", ...common },
      ]),
    );
    resetOidcConfigurations();
  });

  const as = (actor: Actor) => contextFor(actor);

  async function signIn(providerId: "alpha" | "beta", account: string) {
    const provider = oidcProvider(providerId)!;
    const { url, flow } = await beginAuthorization(provider, CALLBACK(providerId), "/dashboard");
    const callback = await loginAtIdp(url, { as: account, amr: ["pwd", "mfa"], stopAt: CALLBACK(providerId) });
    return executeAction(signInWithOidcAction, anonymous(), { providerId, callbackUrl: callback.toString(), flow });
  }

  /** An SSO-only user (no password, no console TOTP) linked to the given providers, with a live session. */
  async function ssoUser(providers: string[], opts: { role?: "admin" | "operator" | "viewer" } = {}) {
    const user = await createTestUser({ role: opts.role ?? "operator", password: null, mfa: false });
    for (const providerId of providers)
      await prisma().userIdentity.create({ data: { userId: user.id, providerId, issuer: `https://${providerId}.idp.test`, subject: randomUUID(), email: user.email } });
    return { user, actor: await signedInActor(user) };
  }

  const audit = (sql: string, params: unknown[]) => superuserQuery<AuditRow>(db.url, `select action, outcome, actor_email, resource_id, params, error from audit_events where ${sql} order by seq`, params);

  describe("the users list", () => {
    it("shows each user's source (Local, the IdP's display name, several, or a removed provider) and an SSO user without a password as Active", async () => {
      const local = await createTestUser({ role: "viewer" });
      const invited = await createTestUser({ role: "viewer", password: null, mfa: false });
      const { user: sso } = await ssoUser(["alpha"]);
      const { user: both } = await ssoUser(["alpha", "beta"]);
      const { user: gone } = await ssoUser(["retired-idp"]);
      const seen = new Date("2026-12-01T10:00:00Z");
      await prisma().userIdentity.updateMany({ where: { userId: both.id, providerId: "beta" }, data: { lastSignInAt: seen } });
      const linkedLocal = await createTestUser({ role: "viewer" });
      await prisma().userIdentity.create({ data: { userId: linkedLocal.id, providerId: "beta", issuer: "https://beta.idp.test", subject: randomUUID() } });

      const rows = new Map((await listUsers(admin)).map((r) => [r.id, r]));
      expect(rows.get(local.id)).toMatchObject({ status: "active", sources: ["Local"], identities: [] });
      expect(rows.get(invited.id)).toMatchObject({ status: "invited", sources: ["Local"] });
      expect(rows.get(sso.id)).toMatchObject({ status: "active", hasPassword: false, sources: ["Alpha SSO"], identities: [{ providerId: "alpha", providerName: "Alpha SSO", providerRemoved: false }] });
      expect(rows.get(both.id)!.sources).toEqual(["Alpha SSO", "Beta Login"]);
      expect(rows.get(both.id)!.identities.find((i) => i.providerId === "beta")!.lastSignInAt).toEqual(seen);
      expect(rows.get(gone.id)).toMatchObject({ status: "active", sources: ["retired-idp (removed)"], identities: [{ providerRemoved: true }] });
      expect(rows.get(linkedLocal.id)!.sources).toEqual(["Beta Login", "Local"]);
    });
  });

  describe("sign out all SSO users (users.sessions.revoke_sso)", () => {
    it("ends the sessions of SSO users (optionally of one provider) and keeps local users signed in; audits the count", async () => {
      const local = await signedInActor(await createTestUser({ role: "operator" }));
      const { actor: alphaUser } = await ssoUser(["alpha"]);
      const { actor: betaUser } = await ssoUser(["beta"]);
      const active = async (a: Actor) => resolveActiveSession({ sessionId: a.sessionId, userId: a.userId });
      for (const a of [local, alphaUser, betaUser]) expect(await active(a)).not.toBeNull();

      const betaUsers = await prisma().user.count({ where: { identities: { some: { providerId: "beta" } } } });
      const scoped = await executeAction(revokeSsoSessionsAction, as(admin), { providerId: "beta" });
      expect(scoped).toMatchObject({ ok: true, data: { providerId: "beta", usersSignedOut: betaUsers } });
      expect(betaUsers).toBeGreaterThanOrEqual(1);
      expect(await active(betaUser)).toBeNull();
      expect(await active(alphaUser)).not.toBeNull();

      const all = await executeAction(revokeSsoSessionsAction, as(admin), {});
      if (!all.ok) throw new Error(all.error.message);
      const ssoUsers = await prisma().user.count({ where: { identities: { some: {} } } });
      expect(all.data.usersSignedOut).toBe(ssoUsers);
      expect(await active(alphaUser)).toBeNull();
      expect(await active(local)).toMatchObject({ userId: local.userId });
      expect(await active(admin)).not.toBeNull(); // a local admin keeps their own session

      const rows = await audit("action like 'users.sessions.revoke_sso%' and actor_email = $1", [admin.email]);
      expect(rows.map((r) => [r.action, r.outcome])).toEqual([
        ["users.sessions.revoke_sso", "started"],
        ["users.sessions.revoke_sso.result", "succeeded"],
        ["users.sessions.revoke_sso", "succeeded"],
        ["users.sessions.revoke_sso", "started"],
        ["users.sessions.revoke_sso.result", "succeeded"],
        ["users.sessions.revoke_sso", "succeeded"],
      ]);
      expect(rows[1]!.params).toMatchObject({ providerId: "beta", usersSignedOut: betaUsers });
      expect(rows[4]!.params).toMatchObject({ providerId: null, usersSignedOut: ssoUsers });
    });

    it("a new SSO sign-in after the sign-out works again", async () => {
      idpA.accounts.set("returning", { email: "returning@idp.test", groups: ["ops"] });
      const first = await signIn("alpha", "returning");
      if (!first.ok || first.data.kind !== "session") throw new Error("expected a session");
      expect(await executeAction(revokeSsoSessionsAction, as(admin), { providerId: "alpha" })).toMatchObject({ ok: true });
      expect(await resolveActiveSession({ sessionId: first.data.sessionId, userId: first.data.userId })).toBeNull();
      await new Promise((r) => setTimeout(r, 5)); // a session created in the same millisecond as the revocation counts as revoked
      const again = await signIn("alpha", "returning");
      if (!again.ok || again.data.kind !== "session") throw new Error("expected a session");
      expect(await resolveActiveSession({ sessionId: again.data.sessionId, userId: again.data.userId })).not.toBeNull();
    });
  });

  describe("admin link grants", () => {
    async function localWithIdpAccounts(name: string, at: ("A" | "B")[] = ["A", "B"]): Promise<TestUser> {
      const local = await createTestUser({ role: "admin", email: uniqueEmail(name) });
      if (at.includes("A")) idpA.accounts.set(name, { email: local.email, groups: ["ops"] });
      if (at.includes("B")) idpB.accounts.set(name, { email: local.email, groups: ["ops"] });
      return local;
    }
    const identitiesOf = (userId: string) => prisma().userIdentity.findMany({ where: { userId }, select: { providerId: true, subject: true } });

    it("without a grant, a first SSO sign-in with a local account's email is still refused", async () => {
      const local = await localWithIdpAccounts("nogrant");
      expect(await signIn("alpha", "nogrant")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(local.id)).toEqual([]);
    });

    it("allow → the next sign-in with that provider links the account (audited), once; the role follows the IdP", async () => {
      const local = await localWithIdpAccounts("granted");
      const before = Date.now();
      const allowed = await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "alpha" });
      expect(allowed).toMatchObject({ ok: true, data: { email: local.email, providerName: "Alpha SSO" } });
      const grant = await prisma().identityLinkGrant.findFirstOrThrow({ where: { userId: local.id } });
      expect(grant).toMatchObject({ providerId: "alpha", createdBy: admin.userId, usedAt: null });
      expect(grant.expiresAt.getTime() - before).toBeGreaterThanOrEqual(LINK_GRANT_TTL_MS - 1000);
      expect(grant.expiresAt.getTime() - before).toBeLessThanOrEqual(LINK_GRANT_TTL_MS + 5000);
      expect((await audit("action = 'users.identity.allow_link' and resource_id = $1", [local.id])).map((r) => r.outcome)).toEqual(["started", "succeeded"]);

      const result = await signIn("alpha", "granted");
      expect(result).toMatchObject({ ok: true, data: { kind: "session", userId: local.id, role: "operator" } });
      expect(await identitiesOf(local.id)).toEqual([{ providerId: "alpha", subject: "granted" }]);
      expect((await prisma().identityLinkGrant.findUniqueOrThrow({ where: { id: grant.id } })).usedAt).not.toBeNull();
      const linked = await audit("action = 'user.identity.linked' and resource_id = $1", [local.id]);
      expect(linked).toEqual([expect.objectContaining({ outcome: "succeeded", params: expect.objectContaining({ provider: "alpha", subject: "granted", via: "admin_grant", grantId: grant.id }) })]);

      // Linked by (issuer, subject) now: the next sign-in needs no grant.
      expect(await signIn("alpha", "granted")).toMatchObject({ ok: true, data: { userId: local.id } });
      // The grant was single use: another account at the same IdP with the same email is refused.
      idpA.accounts.set("granted-twin", { email: local.email, groups: ["ops"] });
      expect(await signIn("alpha", "granted-twin")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(local.id)).toHaveLength(1);
    });

    it("a grant for provider A does not link provider B (and stays usable for A)", async () => {
      const local = await localWithIdpAccounts("scoped");
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "alpha" })).toMatchObject({ ok: true });
      expect(await signIn("beta", "scoped")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(local.id)).toEqual([]);
      expect(await prisma().identityLinkGrant.count({ where: { userId: local.id, usedAt: null } })).toBe(1);
      expect(await signIn("alpha", "scoped")).toMatchObject({ ok: true, data: { userId: local.id } });
      expect(await identitiesOf(local.id)).toEqual([{ providerId: "alpha", subject: "scoped" }]);
    });

    it("a used or expired grant does not link", async () => {
      const expired = await localWithIdpAccounts("expired", ["A"]);
      await prisma().identityLinkGrant.create({ data: { userId: expired.id, providerId: "alpha", createdBy: admin.userId, expiresAt: new Date(Date.now() - 1000) } });
      expect(await signIn("alpha", "expired")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(expired.id)).toEqual([]);

      const used = await localWithIdpAccounts("used", ["A"]);
      await prisma().identityLinkGrant.create({ data: { userId: used.id, providerId: "alpha", createdBy: admin.userId, expiresAt: new Date(Date.now() + 3_600_000), usedAt: new Date() } });
      expect(await signIn("alpha", "used")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(used.id)).toEqual([]);
    });

    it("a grant for another user does not link this one", async () => {
      const target = await localWithIdpAccounts("target", ["A"]);
      const other = await createTestUser({ role: "viewer" });
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: other.id, providerId: "alpha" })).toMatchObject({ ok: true });
      expect(await signIn("alpha", "target")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(target.id)).toEqual([]);
    });

    it("does not link when the IdP says the email is unverified, and keeps the grant", async () => {
      const local = await createTestUser({ role: "viewer", email: uniqueEmail("unverified") });
      idpA.accounts.set("unverified", { email: local.email, email_verified: false, groups: ["ops"] });
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "alpha" })).toMatchObject({ ok: true });
      expect(await signIn("alpha", "unverified")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
      expect(await identitiesOf(local.id)).toEqual([]);
      expect(await prisma().identityLinkGrant.count({ where: { userId: local.id, usedAt: null } })).toBe(1);
    });

    it("two sign-ins racing for one grant link at most one identity", async () => {
      const local = await localWithIdpAccounts("race-1", ["A"]);
      idpA.accounts.set("race-2", { email: local.email, groups: ["ops"] });
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "alpha" })).toMatchObject({ ok: true });
      const results = await Promise.all([signIn("alpha", "race-1"), signIn("alpha", "race-2")]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await identitiesOf(local.id)).toHaveLength(1);
    });

    it("refuses a grant for an unknown provider, an already linked provider, or a disabled user; a new grant replaces the old one", async () => {
      const local = await createTestUser({ role: "viewer" });
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "nowhere" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
      const { user: linked } = await ssoUser(["alpha"]);
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: linked.id, providerId: "alpha" })).toMatchObject({
        ok: false,
        error: { code: "CONFLICT", message: expect.stringContaining("already linked to Alpha SSO") },
      });
      const disabled = await createTestUser({ role: "viewer", disabled: true });
      expect(await executeAction(allowIdentityLinkAction, as(admin), { userId: disabled.id, providerId: "alpha" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });

      expect((await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "beta" })).ok).toBe(true);
      expect((await executeAction(allowIdentityLinkAction, as(admin), { userId: local.id, providerId: "beta" })).ok).toBe(true);
      expect(await prisma().identityLinkGrant.count({ where: { userId: local.id, usedAt: null, expiresAt: { gt: new Date() } } })).toBe(1);
    });
  });

  describe("unlink (users.identity.unlink)", () => {
    it("refuses to remove the only way an enabled user without a password signs in, and explains why", async () => {
      const { user } = await ssoUser(["alpha"]);
      const identity = await prisma().userIdentity.findFirstOrThrow({ where: { userId: user.id } });
      const result = await executeAction(unlinkIdentityAction, as(admin), { userId: user.id, identityId: identity.id });
      expect(result).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/only way .* can sign in: they have no console password.*Disable the account first/) } });
      expect(await prisma().userIdentity.count({ where: { userId: user.id } })).toBe(1);
    });

    it("unlinks when another way remains (a second identity, a password) or the user is disabled, and signs them out", async () => {
      const { user: two, actor: twoActor } = await ssoUser(["alpha", "beta"]);
      const beta = await prisma().userIdentity.findFirstOrThrow({ where: { userId: two.id, providerId: "beta" } });
      expect(await executeAction(unlinkIdentityAction, as(admin), { userId: two.id, identityId: beta.id })).toMatchObject({ ok: true, data: { providerName: "Beta Login" } });
      expect(await prisma().userIdentity.findMany({ where: { userId: two.id }, select: { providerId: true } })).toEqual([{ providerId: "alpha" }]);
      expect(await resolveActiveSession({ sessionId: twoActor.sessionId, userId: twoActor.userId })).toBeNull();

      const withPassword = await createTestUser({ role: "viewer" });
      const only = await prisma().userIdentity.create({ data: { userId: withPassword.id, providerId: "alpha", issuer: "https://alpha.idp.test", subject: randomUUID() } });
      expect((await executeAction(unlinkIdentityAction, as(admin), { userId: withPassword.id, identityId: only.id })).ok).toBe(true);

      const { user: disabled } = await ssoUser(["alpha"]);
      await prisma().user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
      const last = await prisma().userIdentity.findFirstOrThrow({ where: { userId: disabled.id } });
      expect((await executeAction(unlinkIdentityAction, as(admin), { userId: disabled.id, identityId: last.id })).ok).toBe(true);

      expect((await audit("action = 'users.identity.unlink' and resource_id = $1", [two.id])).map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    });

    it("refuses an identity that belongs to another user", async () => {
      const { user: a } = await ssoUser(["alpha", "beta"]);
      const { user: b } = await ssoUser(["alpha"]);
      const bIdentity = await prisma().userIdentity.findFirstOrThrow({ where: { userId: b.id } });
      expect(await executeAction(unlinkIdentityAction, as(admin), { userId: a.id, identityId: bIdentity.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
      expect(await prisma().userIdentity.count({ where: { id: bIdentity.id } })).toBe(1);
    });
  });

  describe("who may call these actions", () => {
    it.each(["viewer", "operator", "auditor"] as const)("a %s calling them directly is FORBIDDEN and nothing changes", async (role) => {
      const caller = await signedInActor(await createTestUser({ role }));
      const { user, actor: ssoActor } = await ssoUser(["alpha", "beta"]);
      const identity = await prisma().userIdentity.findFirstOrThrow({ where: { userId: user.id } });
      for (const [action, input] of [
        [revokeSsoSessionsAction, {}],
        [allowIdentityLinkAction, { userId: caller.userId, providerId: "alpha" }],
        [unlinkIdentityAction, { userId: user.id, identityId: identity.id }],
      ] as const) {
        const result = await executeAction(action as typeof revokeSsoSessionsAction, as(caller), input);
        expect(result, action.action).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      }
      expect(await resolveActiveSession({ sessionId: ssoActor.sessionId, userId: ssoActor.userId })).not.toBeNull();
      expect(await prisma().identityLinkGrant.count({ where: { userId: caller.userId } })).toBe(0);
      expect(await prisma().userIdentity.count({ where: { userId: user.id } })).toBe(2);
      const denied = await audit("outcome = 'denied' and actor_email = $1", [caller.email]);
      expect(denied.map((r) => r.action).sort()).toEqual(["users.identity.allow_link", "users.identity.unlink", "users.sessions.revoke_sso"]);
    });
  });
});
