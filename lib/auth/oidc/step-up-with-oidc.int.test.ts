/**
 * MFA step-up for SSO users against a real OpenID Provider (panva's oidc-provider, in-process on loopback):
 * the re-authentication request (prompt=login, max_age=0), the checks on the answer (this user's identity,
 * a fresh auth_time, a second factor in amr), the session binding of the flow, and that a sign-in flow and
 * a step-up flow cannot stand in for each other. Also: an expired ID token is refused at sign-in.
 */
import { encode } from "next-auth/jwt";
import * as oidc from "openid-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loginAtIdp, startTestIdp, type TestIdp } from "@/e2e/fixtures/oidc-idp";
import { anonymous, contextFor, createTestUser } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { Actor } from "../../actions/action-context";
import { executeAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { log } from "../../log/logger";
import { MFA_STEP_UP_WINDOW_MS, requireRecentMfa } from "../../restores/mfa-step-up";
import { stepUpMethods } from "../step-up-methods";
import { resolveActiveSession } from "../user-sessions";
import { beginAuthorization, oidcConfiguration, resetOidcConfigurations } from "./client";
import { oidcProvider } from "./config";
import { parseOidcFlow } from "./flow-cookie";
import { SSO_FAILED_MESSAGE, signInWithOidcAction } from "./sign-in-with-oidc";
import { STEP_UP_DONE_PATH, STEP_UP_RESULTS } from "./step-up-messages";
import { authTimeProblem, beginOidcStepUp, stepUpResultForMessage, stepUpWithOidcAction } from "./step-up-with-oidc";

const REDIRECT = "http://127.0.0.1:3999/api/auth/oidc/test/callback";
type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null; error: string | null };

describe("MFA step-up by re-authentication at the IdP", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let idp: TestIdp;

  beforeAll(async () => {
    db = await useMigratedTestDatabase("oidc_step_up");
    idp = await startTestIdp({
      redirectUris: [REDIRECT],
      accounts: {
        ada: { email: "ada-step@idp.test", groups: ["ops-admins"] },
        bob: { email: "bob-step@idp.test", groups: ["ops-admins"] },
        eve: { email: "eve-step@idp.test", groups: ["ops-admins"] },
      },
    });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await idp?.close();
    await db?.cleanup();
  });

  function configure(overrides: Record<string, unknown> = {}, issuer = idp.issuer, secret = idp.clientSecret) {
    vi.stubEnv("OPSDECK_OIDC_TEST_SECRET", secret);
    vi.stubEnv(
      "OPSDECK_OIDC_PROVIDERS",
      JSON.stringify([
        {
          id: "test",
          name: "Test IdP",
          issuer,
          clientId: idp.clientId,
          clientSecretEnv: "OPSDECK_OIDC_TEST_SECRET",
          scopes: ["openid", "email", "profile", "groups"],
          roleMapping: { "ops-admins": "admin" },
          trustIdpMfa: true,
          ...overrides,
        },
      ]),
    );
    resetOidcConfigurations();
  }
  beforeEach(() => configure());
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** An SSO user signed in through the IdP (with MFA there), whose session's MFA proof is now 10 minutes old. */
  async function ssoActorWithStaleMfa(as: string): Promise<Actor> {
    const { url, flow } = await beginAuthorization(oidcProvider("test")!, REDIRECT, "/dashboard");
    const callback = await loginAtIdp(url, { as, amr: ["pwd", "mfa"], stopAt: REDIRECT });
    const result = await executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: callback.toString(), flow });
    if (!result.ok || result.data.kind !== "session") throw new Error(`expected a session for ${as}: ${JSON.stringify(result)}`);
    await prisma().userSession.update({ where: { id: result.data.sessionId }, data: { mfaAt: new Date(Date.now() - 10 * 60_000) } });
    const actor = await resolveActiveSession({ sessionId: result.data.sessionId, userId: result.data.userId });
    if (!actor) throw new Error("the session does not resolve");
    return actor;
  }

  const mfaAtOf = async (actor: Actor) => (await prisma().userSession.findUniqueOrThrow({ where: { id: actor.sessionId }, select: { mfaAt: true } })).mfaAt;
  const stepUpAudit = (userId: string) =>
    superuserQuery<AuditRow>(db.url, `select action, outcome, params, error from audit_events where action = 'auth.mfa.step_up' and resource_id = $1 order by seq`, [userId]);

  /** Starts a step-up as `actor`, signs in at the IdP as `as`, and runs the callback action. */
  async function stepUp(actor: Actor, as: string, opts: { amr?: string[]; authTime?: number; ctxActor?: Actor } = {}) {
    const { url, flow } = await beginOidcStepUp(actor, "test", REDIRECT, STEP_UP_DONE_PATH);
    const callback = await loginAtIdp(url, { as, amr: opts.amr ?? ["pwd", "mfa"], stopAt: REDIRECT, authTime: opts.authTime });
    return executeAction(stepUpWithOidcAction, contextFor(opts.ctxActor ?? actor), { providerId: "test", callbackUrl: callback.toString(), flow });
  }

  it("asks the IdP for a fresh login (prompt=login, max_age=0) and binds the flow to this session", async () => {
    const actor = await ssoActorWithStaleMfa("ada");
    const { url, flow } = await beginOidcStepUp(actor, "test", REDIRECT, STEP_UP_DONE_PATH);
    expect(url.searchParams.get("prompt")).toBe("login");
    expect(url.searchParams.get("max_age")).toBe("0");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBe(flow.state);
    expect(flow).toMatchObject({ purpose: "step-up", providerId: "test", sessionId: actor.sessionId, userId: actor.userId, returnTo: STEP_UP_DONE_PATH });
    // A sign-in flow keeps asking nothing of the kind.
    const signIn = await beginAuthorization(oidcProvider("test")!, REDIRECT, "/dashboard");
    expect(signIn.url.searchParams.has("prompt")).toBe(false);
    expect(signIn.url.searchParams.has("max_age")).toBe(false);
  });

  it("moves this session's mfaAt after a re-authentication with MFA, so requireRecentMfa passes; audited as auth.mfa.step_up (oidc)", async () => {
    const actor = await ssoActorWithStaleMfa("ada");
    expect(() => requireRecentMfa(actor)).toThrow(expect.objectContaining({ code: "MFA_REQUIRED" }));
    const sessionsBefore = await prisma().userSession.count({ where: { userId: actor.userId } });

    const result = await stepUp(actor, "ada");
    expect(result).toMatchObject({ ok: true, data: { provider: "test" } });
    const mfaAt = await mfaAtOf(actor);
    expect(Date.now() - mfaAt.getTime()).toBeLessThan(30_000);
    const fresh = await resolveActiveSession({ sessionId: actor.sessionId, userId: actor.userId });
    expect(() => requireRecentMfa(fresh)).not.toThrow();
    // The same session: no new one was issued.
    expect(await prisma().userSession.count({ where: { userId: actor.userId } })).toBe(sessionsBefore);
    expect((await stepUpAudit(actor.userId)).at(-1)).toMatchObject({ outcome: "succeeded", params: { method: "oidc", provider: "test", subject: "ada", sessionId: actor.sessionId } });
  });

  it("refuses a re-authentication as a DIFFERENT IdP account (even one with its own console user), audited as denied", async () => {
    await ssoActorWithStaleMfa("bob"); // bob is a console user too
    const actor = await ssoActorWithStaleMfa("ada");
    const before = await mfaAtOf(actor);
    for (const as of ["bob", "eve"]) {
      const result = await stepUp(actor, as);
      expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: STEP_UP_RESULTS["other-account"] } });
      expect(await mfaAtOf(actor)).toEqual(before);
      expect((await stepUpAudit(actor.userId)).at(-1)).toMatchObject({ outcome: "denied", params: { method: "oidc", reason: "other-account", subject: as } });
    }
  });

  it("refuses a re-authentication whose amr shows no second factor", async () => {
    const actor = await ssoActorWithStaleMfa("ada");
    const before = await mfaAtOf(actor);
    expect(await stepUp(actor, "ada", { amr: ["pwd"] })).toMatchObject({ ok: false, error: { message: STEP_UP_RESULTS["no-mfa"] } });
    expect(await mfaAtOf(actor)).toEqual(before);
    expect((await stepUpAudit(actor.userId)).at(-1)).toMatchObject({ outcome: "denied", params: { reason: "no-mfa" } });
  });

  it("refuses an old auth_time (the IdP did not really authenticate the user again)", async () => {
    const actor = await ssoActorWithStaleMfa("ada");
    const before = await mfaAtOf(actor);
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const result = await stepUp(actor, "ada", { authTime: tenMinutesAgo });
    expect(result).toMatchObject({ ok: false, error: { message: STEP_UP_RESULTS.stale } });
    expect(await mfaAtOf(actor)).toEqual(before);
  });

  it("checks auth_time: missing, older than 5 minutes or in the future is refused", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const at = (offsetMs: number) => ({ auth_time: Math.floor((now.getTime() + offsetMs) / 1000) });
    expect(authTimeProblem(at(-10_000), now)).toBeNull();
    expect(authTimeProblem(at(-MFA_STEP_UP_WINDOW_MS + 2_000), now)).toBeNull();
    expect(authTimeProblem(at(-MFA_STEP_UP_WINDOW_MS - 2_000), now)).toMatch(/old/);
    expect(authTimeProblem(at(5 * 60_000), now)).toMatch(/future/);
    expect(authTimeProblem({}, now)).toMatch(/no auth_time/);
    expect(authTimeProblem({ auth_time: String(now.getTime() / 1000) }, now)).toMatch(/no auth_time/);
  });

  it("refuses a step-up flow started by another session of the same user, or for another user", async () => {
    const first = await ssoActorWithStaleMfa("ada");
    const second = await ssoActorWithStaleMfa("ada");
    const before = await mfaAtOf(second);
    expect(await stepUp(first, "ada", { ctxActor: second })).toMatchObject({ ok: false });
    expect(await mfaAtOf(second)).toEqual(before);
  });

  it("a sign-in flow cannot be replayed as a step-up, and a step-up flow cannot be used to sign in", async () => {
    const actor = await ssoActorWithStaleMfa("ada");
    const before = await mfaAtOf(actor);

    // A sign-in flow (and its code, with MFA at the IdP) handed to the step-up callback.
    const signIn = await beginAuthorization(oidcProvider("test")!, REDIRECT, "/dashboard");
    const signInCallback = await loginAtIdp(signIn.url, { as: "ada", amr: ["pwd", "mfa"], stopAt: REDIRECT });
    expect(await executeAction(stepUpWithOidcAction, contextFor(actor), { providerId: "test", callbackUrl: signInCallback.toString(), flow: signIn.flow })).toMatchObject({ ok: false });
    // Even relabelled as a step-up, it is not bound to this session.
    expect(
      await executeAction(stepUpWithOidcAction, contextFor(actor), { providerId: "test", callbackUrl: signInCallback.toString(), flow: { ...signIn.flow, purpose: "step-up" } }),
    ).toMatchObject({ ok: false });
    expect(await mfaAtOf(actor)).toEqual(before);

    // A step-up flow (and its code) handed to the sign-in action: no session is issued.
    const sessionsBefore = await prisma().userSession.count({ where: { userId: actor.userId } });
    const stepUpFlow = await beginOidcStepUp(actor, "test", REDIRECT, STEP_UP_DONE_PATH);
    const stepUpCallback = await loginAtIdp(stepUpFlow.url, { as: "ada", amr: ["pwd", "mfa"], stopAt: REDIRECT });
    expect(await executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: stepUpCallback.toString(), flow: stepUpFlow.flow })).toMatchObject({ ok: false });
    expect(await prisma().userSession.count({ where: { userId: actor.userId } })).toBe(sessionsBefore);

    // The cookie says which is which: the callback dispatches on it (app/api/auth/oidc/[provider]/callback/route.ts).
    const roundTrip = async (flow: object) => {
      const { decode } = await import("next-auth/jwt");
      const token = await encode({ token: { ...flow }, secret: "x".repeat(32), maxAge: 60 });
      return parseOidcFlow((await decode({ token, secret: "x".repeat(32) })) as Record<string, unknown>);
    };
    expect(await roundTrip(signIn.flow)).toMatchObject({ purpose: "sign-in", next: "/dashboard" });
    expect(await roundTrip(stepUpFlow.flow)).toMatchObject({ purpose: "step-up", sessionId: actor.sessionId });
    expect(await roundTrip({ ...stepUpFlow.flow, sessionId: undefined })).toBeNull(); // a step-up without its binding is nothing
    const { purpose: _purpose, ...legacy } = signIn.flow;
    expect(await roundTrip(legacy)).toMatchObject({ purpose: "sign-in" }); // a cookie from before step-up existed
  });

  it("starts a step-up only at a provider linked to this user and trusted for MFA, and says which method a user has", async () => {
    const local = await createTestUser({ role: "admin" });
    const localActor: Actor = { userId: local.id, email: local.email, role: "admin", sessionId: "00000000-0000-4000-8000-000000000001", mfaAt: new Date() };
    await expect(beginOidcStepUp(localActor, "test", REDIRECT, STEP_UP_DONE_PATH)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await stepUpMethods(local.id)).toEqual({ kind: "totp" });

    const actor = await ssoActorWithStaleMfa("ada");
    expect(await stepUpMethods(actor.userId)).toEqual({ kind: "idp", providers: [{ id: "test", name: "Test IdP" }] });
    await expect(beginOidcStepUp(actor, "other", REDIRECT, STEP_UP_DONE_PATH)).rejects.toMatchObject({ code: "FORBIDDEN" });

    // Started while trusted, then the provider stops being trusted for MFA: the callback refuses.
    const { url, flow } = await beginOidcStepUp(actor, "test", REDIRECT, STEP_UP_DONE_PATH);
    const callback = await loginAtIdp(url, { as: "ada", amr: ["pwd", "mfa"], stopAt: REDIRECT });
    configure({ trustIdpMfa: false });
    expect(await executeAction(stepUpWithOidcAction, contextFor(actor), { providerId: "test", callbackUrl: callback.toString(), flow })).toMatchObject({
      ok: false,
      error: { message: STEP_UP_RESULTS["not-linked"] },
    });
    expect(await stepUpMethods(actor.userId)).toEqual({ kind: "none" });
    await expect(beginOidcStepUp(actor, "test", REDIRECT, STEP_UP_DONE_PATH)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("maps refusals to the done page's codes", () => {
    expect(stepUpResultForMessage(STEP_UP_RESULTS["other-account"])).toBe("other-account");
    expect(stepUpResultForMessage("Your session has ended. Sign in again to continue.")).toBe("signed-out");
    expect(stepUpResultForMessage("anything else")).toBe("failed");
  });

  it("refuses a signed-out caller before reading anything", async () => {
    const result = await executeAction(stepUpWithOidcAction, anonymous(), { providerId: "test", callbackUrl: REDIRECT, flow: null });
    expect(result).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });

  it("refuses an EXPIRED ID token at sign-in", async () => {
    // A second IdP whose ID tokens live 1 s; Opsdeck reads the token 45 s later (openid-client tolerates 30 s).
    const shortLived = await startTestIdp({ redirectUris: [REDIRECT], accounts: { tess: { email: "tess-expiry@idp.test", groups: ["ops-admins"] } }, idTokenTtlSeconds: 1 });
    try {
      configure({}, shortLived.issuer, shortLived.clientSecret);
      const warn = vi.spyOn(log, "warn");
      const { url, flow } = await beginAuthorization(oidcProvider("test")!, REDIRECT, "/dashboard");
      const callback = await loginAtIdp(url, { as: "tess", amr: ["pwd", "mfa"], stopAt: REDIRECT });
      // The IdP issues the token at the real time; Opsdeck's clock jumps 45 s just after the token response.
      const config = await oidcConfiguration(oidcProvider("test")!);
      config[oidc.customFetch] = async (fetchUrl, options) => {
        const response = await fetch(fetchUrl, options as RequestInit);
        if (fetchUrl.endsWith("/token")) vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 45_000 });
        return response;
      };
      const result = await executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: callback.toString(), flow });
      vi.useRealTimers();
      expect(result).toMatchObject({ ok: false, error: { message: SSO_FAILED_MESSAGE } });
      expect(JSON.stringify(warn.mock.calls)).toMatch(/JWT timestamp claim value failed validation/); // exp: the clock is ahead, so iat and nbf hold
      expect(await prisma().userIdentity.count({ where: { issuer: shortLived.issuer } })).toBe(0);

      // The same kind of token, in time, is accepted (the refusal above is the expiry, nothing else).
      configure({}, shortLived.issuer, shortLived.clientSecret);
      const again = await beginAuthorization(oidcProvider("test")!, REDIRECT, "/dashboard");
      const inTime = await loginAtIdp(again.url, { as: "tess", amr: ["pwd", "mfa"], stopAt: REDIRECT });
      expect(await executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: inTime.toString(), flow: again.flow })).toMatchObject({ ok: true });
    } finally {
      vi.useRealTimers();
      await shortLived.close();
    }
  });
});
