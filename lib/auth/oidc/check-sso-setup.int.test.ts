/**
 * The SSO setup check against a real OpenID Provider (panva's oidc-provider, in-process on loopback):
 * discovery, its JWKS, what it supports, the redirect URI to register and the linked users.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestIdp, type TestIdp } from "@/e2e/fixtures/oidc-idp";
import { createTestUser } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { checkSsoSetup, hasErrors } from "./check-sso-setup";
import { runSsoCli } from "./cli-sso";

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("checking the SSO setup", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let idp: TestIdp;

  beforeAll(async () => {
    db = await useMigratedTestDatabase("sso_check");
    idp = await startTestIdp({ redirectUris: ["http://127.0.0.1:3999/api/auth/oidc/corp/callback"], accounts: {} });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await idp?.close();
    await db?.cleanup();
  });

  function configure(providers: Record<string, unknown>[]) {
    vi.stubEnv("OPSDECK_OIDC_TEST_SECRET", idp.clientSecret);
    vi.stubEnv("OPSDECK_OIDC_PROVIDERS", JSON.stringify(providers));
  }
  const corp = (over: Record<string, unknown> = {}) => ({
    id: "corp",
    name: "Corp IdP",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecretEnv: "OPSDECK_OIDC_TEST_SECRET",
    scopes: ["openid", "email", "profile", "groups"],
    roleMapping: { oncall: "viewer", "ops-admins": "admin", compliance: "auditor" },
    trustIdpMfa: true,
    ...over,
  });

  it("a working provider: discovery and keys answer, nothing to fix, the redirect URI to register, the mapping highest role first, linked users", async () => {
    configure([corp()]);
    const user = await createTestUser({ role: "viewer" });
    await superuserQuery(db.url, "insert into user_identities (id, user_id, provider_id, issuer, subject, last_sign_in_at) values (gen_random_uuid(), $1, 'corp', $2, 'sub-1', '2026-11-30T08:00:00Z')", [user.id, idp.issuer]);
    const check = await checkSsoSetup("https://ops.example.com");
    expect(check.configProblems).toEqual([]);
    expect(check.providers).toHaveLength(1);
    const p = check.providers[0]!;
    expect(p.discovery).toMatchObject({ ok: true, tokenEndpoint: expect.stringContaining(idp.issuer), jwksUri: expect.stringContaining(idp.issuer) });
    expect(p.discovery.ok && p.discovery.signingKeys).toBeGreaterThan(0);
    expect(p.findings.filter((f) => f.level !== "info")).toEqual([]);
    expect(p.redirectUri).toBe("https://ops.example.com/api/auth/oidc/corp/callback");
    expect(p.roleMapping).toEqual([
      { group: "ops-admins", role: "admin" },
      { group: "compliance", role: "auditor" },
      { group: "oncall", role: "viewer" },
    ]);
    expect(p).toMatchObject({ hasClientSecret: true, linkedUsers: 1, lastSignInAt: new Date("2026-11-30T08:00:00Z") });
    expect(JSON.stringify(check)).not.toContain(idp.clientSecret);
    expect(hasErrors(check)).toBe(false);
  });

  it("an unreachable issuer, a plain-http remote issuer and a scope the provider does not offer are each named, with what to change", async () => {
    const gone = `http://127.0.0.1:${await closedPort()}`;
    configure([
      corp({ id: "gone", name: "Gone", issuer: gone }),
      corp({ id: "plain", name: "Plain", issuer: "http://idp.example.com/realms/ops" }),
      corp({ id: "extra", name: "Extra", scopes: ["openid", "email", "payroll"] }),
    ]);
    const check = await checkSsoSetup("http://127.0.0.1:3000");
    const byId = Object.fromEntries(check.providers.map((p) => [p.id, p]));
    expect(byId.gone!.discovery.ok).toBe(false);
    expect(byId.gone!.findings).toEqual([{ level: "error", text: expect.stringMatching(new RegExp(`^Discovery failed: .*Check the issuer URL \\(${gone}/\\.well-known/openid-configuration must answer\\)`)) }]);
    expect(byId.plain!.findings[0]).toEqual({ level: "error", text: expect.stringContaining("the issuer must use https") });
    expect(byId.extra!.discovery.ok).toBe(true);
    expect(byId.extra!.findings).toContainEqual({ level: "warn", text: expect.stringContaining("scope payroll, which the provider does not list") });
    expect(hasErrors(check)).toBe(true);
  });

  it("a broken provider configuration is reported line by line, naming the variable", async () => {
    vi.stubEnv("OPSDECK_OIDC_PROVIDERS", JSON.stringify([{ id: "Bad Id", name: "x", issuer: "not a url", clientId: "c" }]));
    const check = await checkSsoSetup("http://127.0.0.1:3000");
    expect(check.providers).toEqual([]);
    expect(check.configProblems).toEqual(expect.arrayContaining([expect.stringMatching(/^OPSDECK_OIDC_PROVIDERS\[0\]\.id: /), expect.stringMatching(/^OPSDECK_OIDC_PROVIDERS\[0\]\.issuer: /)]));
    expect(hasErrors(check)).toBe(true);
  });

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSsoCli(["sso", ...args, "--database-url", db.url], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("`opsdeck sso check` prints each provider with the redirect URI to register, and exits 1 only when one would fail sign-ins", async () => {
    configure([corp()]);
    const ready = await cli("check", "--url", "https://ops.example.com/some/path");
    expect(ready.code).toBe(0);
    expect(ready.out).toContain("Corp IdP (corp): READY");
    expect(ready.out).toContain("redirect URI  https://ops.example.com/api/auth/oidc/corp/callback");
    expect(ready.out).toMatch(/linked users +1, last sign-in 2026-11-30T08:00:00.000Z/);
    expect(ready.out + ready.err).not.toContain(idp.clientSecret);

    configure([corp(), corp({ id: "gone", name: "Gone", issuer: `http://127.0.0.1:${await closedPort()}` })]);
    vi.stubEnv("NEXTAUTH_URL", ""); // no public URL configured: the default origin
    const broken = await cli("check", "--json");
    expect(broken.code).toBe(1);
    const json = JSON.parse(broken.out) as { providers: { id: string; redirectUri: string; findings: { level: string }[] }[] };
    expect(json.providers.map((p) => [p.id, p.findings.some((f) => f.level === "error")])).toEqual([
      ["corp", false],
      ["gone", true],
    ]);
    expect(json.providers[0]!.redirectUri).toBe("http://localhost:3000/api/auth/oidc/corp/callback");

    expect((await cli("check", "--url", "ftp://x")).code).toBe(2);
    expect((await cli("verify")).code).toBe(2);
  });
});
