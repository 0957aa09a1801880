/**
 * SSO against a real OpenID Provider (panva's oidc-provider, in-process on loopback): the whole code flow
 * with PKCE, state and nonce through openid-client, then group → role mapping, just-in-time accounts,
 * linking rules, the MFA rule and the audit rows.
 */
import * as oidc from "openid-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loginAtIdp, startTestIdp, type TestIdp } from "@/e2e/fixtures/oidc-idp";
import { anonymous, createTestUser } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { executeAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { resolveActiveSession } from "../user-sessions";
import { beginAuthorization, oidcConfiguration, resetOidcConfigurations, type OidcFlowState } from "./client";
import { oidcProvider } from "./config";
import { EMAIL_IN_USE_MESSAGE, NO_ROLE_MESSAGE, SSO_FAILED_MESSAGE, signInWithOidcAction } from "./sign-in-with-oidc";

const REDIRECT = "http://127.0.0.1:3999/api/auth/oidc/test/callback";
type AuditRow = { action: string; outcome: string; params: Record<string, unknown> | null; error: string | null };

describe("SSO sign-in with a real OpenID Provider", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let idp: TestIdp;

  beforeAll(async () => {
    db = await useMigratedTestDatabase("oidc");
    idp = await startTestIdp({
      redirectUris: [REDIRECT],
      accounts: {
        ada: { email: "ada@idp.test", groups: ["ops-admins", "oncall"] },
        oscar: { email: "oscar@idp.test", groups: ["operators"] },
        cleo: { email: "cleo@idp.test", groups: ["compliance"] },
        vic: { email: "vic@idp.test", groups: ["oncall"] },
        nobody: { email: "nobody@idp.test", groups: ["marketing"] },
        mover: { email: "mover@idp.test", groups: ["ops-admins"] },
        clash: { email: "clash-local@example.test", groups: ["oncall"] },
      },
    });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await idp?.close();
    await db?.cleanup();
  });

  function configure(overrides: Record<string, unknown> = {}) {
    vi.stubEnv("OPSDECK_OIDC_TEST_SECRET", idp.clientSecret);
    vi.stubEnv(
      "OPSDECK_OIDC_PROVIDERS",
      JSON.stringify([
        {
          id: "test",
          name: "Test IdP",
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecretEnv: "OPSDECK_OIDC_TEST_SECRET",
          scopes: ["openid", "email", "profile", "groups"],
          roleMapping: { "ops-admins": "admin", operators: "operator", compliance: "auditor", oncall: "viewer" },
          trustIdpMfa: true,
          ...overrides,
        },
      ]),
    );
    resetOidcConfigurations();
  }
  beforeEach(() => configure());

  async function signIn(as: string, opts: { amr?: string[]; tamper?: (callback: URL, flow: OidcFlowState) => { callback: URL; flow: OidcFlowState } } = {}) {
    const provider = oidcProvider("test")!;
    const { url, flow } = await beginAuthorization(provider, REDIRECT, "/dashboard");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    let callback = await loginAtIdp(url, { as, amr: opts.amr ?? ["pwd", "mfa"], stopAt: REDIRECT });
    let usedFlow = flow;
    if (opts.tamper) ({ callback, flow: usedFlow } = opts.tamper(callback, flow));
    return executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: callback.toString(), flow: usedFlow });
  }

  const auditFor = (email: string) =>
    superuserQuery<AuditRow>(db.url, `select action, outcome, params, error from audit_events where action in ('auth.signin', 'user.role.sso') and params->>'email' = $1 order by seq`, [email]);

  it("maps the highest group to the role, creates the user just in time, and trusts IdP MFA from amr", async () => {
    const result = await signIn("ada");
    expect(result).toMatchObject({ ok: true, data: { kind: "session", role: "admin" } });
    if (!result.ok || result.data.kind !== "session") throw new Error("expected a session");
    const actor = await resolveActiveSession({ sessionId: result.data.sessionId, userId: result.data.userId });
    expect(actor).toMatchObject({ email: "ada@idp.test", role: "admin" });
    const user = await prisma().user.findUniqueOrThrow({ where: { id: result.data.userId }, select: { source: true, passwordHash: true, identities: { select: { issuer: true, subject: true } } } });
    expect(user).toMatchObject({ source: "oidc:test", passwordHash: null, identities: [{ issuer: idp.issuer, subject: "ada" }] });
    const rows = await auditFor("ada@idp.test");
    expect(rows.at(-1)).toMatchObject({ action: "auth.signin", outcome: "succeeded", params: { method: "oidc", provider: "test", mfa: "idp", role: "admin" } });
  });

  it("signs in through the one-provider shorthand (OPSDECK_OIDC_ISSUER, client id and secret, scopes, mapping)", async () => {
    vi.stubEnv("OPSDECK_OIDC_PROVIDERS", "");
    vi.stubEnv("OPSDECK_OIDC_ISSUER", idp.issuer);
    vi.stubEnv("OPSDECK_OIDC_CLIENT_ID", idp.clientId);
    vi.stubEnv("OPSDECK_OIDC_CLIENT_SECRET", idp.clientSecret);
    vi.stubEnv("OPSDECK_OIDC_SCOPES", "openid email profile groups");
    vi.stubEnv("OPSDECK_OIDC_ROLE_MAPPING", "operators=operator");
    vi.stubEnv("OPSDECK_OIDC_TRUST_MFA", "true");
    resetOidcConfigurations();
    try {
      const provider = oidcProvider("sso")!;
      expect(provider).toMatchObject({ id: "sso", issuer: idp.issuer });
      const { url, flow } = await beginAuthorization(provider, REDIRECT, "/dashboard");
      const callback = await loginAtIdp(url, { as: "oscar", amr: ["pwd", "mfa"], stopAt: REDIRECT });
      const result = await executeAction(signInWithOidcAction, anonymous(), { providerId: "sso", callbackUrl: callback.toString(), flow });
      expect(result).toMatchObject({ ok: true, data: { kind: "session", role: "operator" } });
    } finally {
      for (const name of ["OPSDECK_OIDC_ISSUER", "OPSDECK_OIDC_CLIENT_ID", "OPSDECK_OIDC_CLIENT_SECRET", "OPSDECK_OIDC_SCOPES", "OPSDECK_OIDC_ROLE_MAPPING", "OPSDECK_OIDC_TRUST_MFA"]) vi.stubEnv(name, "");
      configure();
    }
  });

  it.each([
    ["oscar", "operator"],
    ["cleo", "auditor"],
    ["vic", "viewer"],
  ])("maps %s's group to %s", async (as, role) => {
    expect(await signIn(as)).toMatchObject({ ok: true, data: { kind: "session", role } });
  });

  it("refuses a user in no mapped group, with a clear message and a denied audit row", async () => {
    const result = await signIn("nobody");
    expect(result).toMatchObject({ ok: false, error: { message: NO_ROLE_MESSAGE } });
    expect(await prisma().user.findUnique({ where: { email: "nobody@idp.test" } })).toBeNull();
    expect((await auditFor("nobody@idp.test")).at(-1)).toMatchObject({ outcome: "denied", error: "no_mapped_group", params: { groups: ["marketing"] } });
  });

  it("gives the default role to a user in no mapped group when one is configured", async () => {
    configure({ defaultRole: "viewer" });
    expect(await signIn("nobody")).toMatchObject({ ok: true, data: { role: "viewer" } });
  });

  it("still requires the console's TOTP when amr shows no second factor, or when IdP MFA is not trusted", async () => {
    const weak = await signIn("oscar", { amr: ["pwd"] });
    expect(weak).toMatchObject({ ok: true, data: { kind: "challenge", next: "enroll" } }); // oscar has no TOTP yet
    configure({ trustIdpMfa: false });
    const untrusted = await signIn("cleo", { amr: ["pwd", "mfa"] });
    expect(untrusted).toMatchObject({ ok: true, data: { kind: "challenge" } });
  });

  it("sends a new SSO user without IdP MFA to TOTP enrolment", async () => {
    configure({ roleMapping: { "ops-admins": "admin" } });
    idp.accounts.set("fresh", { email: "fresh@idp.test", groups: ["ops-admins"] });
    expect(await signIn("fresh", { amr: ["pwd"] })).toMatchObject({ ok: true, data: { kind: "challenge", next: "enroll" } });
  });

  it("re-evaluates the role at every sign-in and audits the change", async () => {
    expect(await signIn("mover")).toMatchObject({ ok: true, data: { role: "admin" } });
    idp.accounts.set("mover", { email: "mover@idp.test", groups: ["oncall"] });
    expect(await signIn("mover")).toMatchObject({ ok: true, data: { role: "viewer" } });
    expect((await auditFor("mover@idp.test")).find((r) => r.action === "user.role.sso")).toMatchObject({ params: { from: "admin", to: "viewer" } });
    idp.accounts.set("mover", { email: "mover@idp.test", groups: [] });
    expect(await signIn("mover")).toMatchObject({ ok: false, error: { message: NO_ROLE_MESSAGE } });
  });

  it("never takes over an existing local account by email", async () => {
    const local = await createTestUser({ role: "admin", email: "clash-local@example.test" });
    expect(await signIn("clash")).toMatchObject({ ok: false, error: { message: EMAIL_IN_USE_MESSAGE } });
    expect((await auditFor(local.email)).at(-1)).toMatchObject({ outcome: "denied", error: "email_in_use" });
    expect(await prisma().userIdentity.count({ where: { userId: local.id } })).toBe(0);
    // Linking on a verified email is opt-in per provider; the role then follows the IdP.
    configure({ linkVerifiedEmail: true });
    expect(await signIn("clash")).toMatchObject({ ok: true, data: { userId: local.id, role: "viewer" } });
  });

  it("refuses a tampered state", async () => {
    const result = await signIn("ada", { tamper: (callback, flow) => ({ callback, flow: { ...flow, state: "not-the-state" } }) });
    expect(result).toMatchObject({ ok: false, error: { message: SSO_FAILED_MESSAGE } });
  });

  it("refuses a wrong nonce (the ID token was issued for another sign-in)", async () => {
    const result = await signIn("ada", { tamper: (callback, flow) => ({ callback, flow: { ...flow, nonce: "another-nonce" } }) });
    expect(result).toMatchObject({ ok: false, error: { message: SSO_FAILED_MESSAGE } });
  });

  it("refuses a wrong PKCE verifier, a forged code, a missing flow and a flow for another provider", async () => {
    expect(await signIn("ada", { tamper: (callback, flow) => ({ callback, flow: { ...flow, codeVerifier: "x".repeat(43) } }) })).toMatchObject({ ok: false });
    expect(
      await signIn("ada", {
        tamper: (callback, flow) => {
          const forged = new URL(callback);
          forged.searchParams.set("code", "forged-code");
          return { callback: forged, flow };
        },
      }),
    ).toMatchObject({ ok: false, error: { message: SSO_FAILED_MESSAGE } });
    const provider = oidcProvider("test")!;
    const { url, flow } = await beginAuthorization(provider, REDIRECT, "/dashboard");
    const callback = await loginAtIdp(url, { as: "ada", amr: ["mfa"], stopAt: REDIRECT });
    expect(await executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: callback.toString(), flow: null })).toMatchObject({ ok: false });
    expect(await executeAction(signInWithOidcAction, anonymous(), { providerId: "test", callbackUrl: callback.toString(), flow: { ...flow, providerId: "other" } })).toMatchObject({ ok: false });
  });

  it("refuses an ID token from the wrong issuer", async () => {
    // The same IdP under another name: its discovery document and tokens say 127.0.0.1, Opsdeck expects localhost.
    configure({ issuer: idp.issuer.replace("127.0.0.1", "localhost") });
    const result = await signIn("ada").catch((error: unknown) => ({ ok: false as const, error }));
    expect(result).toMatchObject({ ok: false });
  });

  it("refuses a tampered ID token (payload changed after the IdP signed it)", async () => {
    const config = await oidcConfiguration(oidcProvider("test")!);
    // Between the IdP and Opsdeck, someone promotes themselves: the token response's ID token gets admin groups.
    config[oidc.customFetch] = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      if (!url.endsWith("/token")) return response;
      const body = (await response.json()) as { id_token: string };
      const [header, payload, signature] = body.id_token.split(".");
      const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
      body.id_token = [header, Buffer.from(JSON.stringify({ ...claims, groups: ["ops-admins"] })).toString("base64url"), signature].join(".");
      return new Response(JSON.stringify(body), { status: response.status, headers: { "content-type": "application/json" } });
    };
    idp.accounts.set("intruder", { email: "intruder@idp.test", groups: ["marketing"] });
    const result = await signIn("intruder");
    expect(result).toMatchObject({ ok: false, error: { message: SSO_FAILED_MESSAGE } });
    expect(await prisma().user.findUnique({ where: { email: "intruder@idp.test" } })).toBeNull();
  });
});
