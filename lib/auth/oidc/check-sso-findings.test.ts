import { describe, expect, it } from "vitest";
import { findingsFor, type DiscoveryResult } from "./check-sso-setup";

const provider = {
  issuer: "https://idp.example.com",
  scopes: ["openid", "email", "groups"],
  groupsClaim: "groups",
  clientSecret: "s3cret" as string | undefined,
  trustIdpMfa: true,
  mfaAcrValues: [] as string[],
  roleMapping: { "ops-admins": "admin" } as Record<string, "admin">,
  defaultRole: null,
};
const found: DiscoveryResult = { ok: true, ms: 12, authorizationEndpoint: "https://idp.example.com/auth", tokenEndpoint: "https://idp.example.com/token", jwksUri: "https://idp.example.com/jwks", signingKeys: 1 };
const good = {
  response_types_supported: ["code", "id_token"],
  code_challenge_methods_supported: ["S256"],
  scopes_supported: ["openid", "email", "profile", "groups"],
  token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  claims_supported: ["sub", "email", "groups"],
};
const levels = (f: { level: string }[]) => f.filter((x) => x.level !== "info");

describe("what the SSO check says about a provider's metadata", () => {
  it("nothing to fix when the provider offers what the console uses", () => {
    expect(levels(findingsFor(provider, found, good))).toEqual([]);
  });

  it("PKCE without S256, no code flow, or no signing keys are errors: every sign-in would fail", () => {
    expect(findingsFor(provider, found, { ...good, code_challenge_methods_supported: ["plain"] })).toContainEqual({ level: "error", text: expect.stringContaining("does not support PKCE with S256") });
    expect(findingsFor(provider, found, { ...good, response_types_supported: ["id_token"] })).toContainEqual({ level: "error", text: expect.stringContaining("authorization code flow") });
    expect(findingsFor(provider, { ...found, signingKeys: 0 }, good)).toContainEqual({ level: "error", text: expect.stringContaining("no signing keys") });
  });

  it("a provider that takes the client secret only by HTTP Basic is an error that says what to allow", () => {
    expect(findingsFor(provider, found, { ...good, token_endpoint_auth_methods_supported: ["client_secret_basic", "private_key_jwt"] })).toContainEqual({
      level: "error",
      text: expect.stringContaining("Allow client_secret_post for this client at the provider"),
    });
  });

  it("warns about a groups claim the provider does not list (when a mapping needs it), an unlisted PKCE method list, and unknown acr values", () => {
    expect(findingsFor(provider, found, { ...good, claims_supported: ["sub", "email"] })).toContainEqual({ level: "warn", text: expect.stringContaining('The groups claim "groups"') });
    expect(levels(findingsFor({ ...provider, roleMapping: {}, defaultRole: null }, found, { ...good, claims_supported: ["sub"] }))).toEqual([]);
    expect(findingsFor(provider, found, { ...good, code_challenge_methods_supported: undefined })).toContainEqual({ level: "warn", text: expect.stringContaining("does not say whether it supports PKCE") });
    expect(findingsFor({ ...provider, mfaAcrValues: ["gold"] }, found, { ...good, acr_values_supported: ["silver"] })).toContainEqual({ level: "warn", text: expect.stringContaining("acr gold") });
  });

  it("says when the console asks for its own TOTP after SSO, and when a default role lets anyone in", () => {
    const f = findingsFor({ ...provider, trustIdpMfa: false, defaultRole: "viewer" as never }, found, good);
    expect(f).toContainEqual({ level: "info", text: expect.stringContaining("users also enter the console's own TOTP") });
    expect(f).toContainEqual({ level: "info", text: expect.stringContaining("gets the viewer role") });
  });

  it("a failed discovery is the only finding, and it names the URL that must answer", () => {
    expect(findingsFor(provider, { ok: false, ms: 5000, error: "timed out" }, null)).toEqual([
      { level: "error", text: "Discovery failed: timed out. Check the issuer URL (https://idp.example.com/.well-known/openid-configuration must answer) and that this server can reach it." },
    ]);
  });
});
