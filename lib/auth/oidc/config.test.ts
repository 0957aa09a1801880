import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/env";
import { groupsFromClaims, idpProvedMfa, mapGroupsToRole, parseOidcProviders, parseOidcSettings } from "./config";

const base = { id: "kc", name: "Keycloak", issuer: "https://idp.example.com/realms/ops", clientId: "opsdeck", clientSecretEnv: "KC_SECRET", roleMapping: { "ops-admins": "admin" } };
const secrets = (name: string) => (name === "KC_SECRET" ? "s3cret" : undefined);

function problems(raw: string, secretOf = secrets): string[] {
  try {
    parseOidcProviders(raw, secretOf);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("OPSDECK_OIDC_PROVIDERS", () => {
  it("is off when unset and fills in the defaults", () => {
    expect(parseOidcProviders(undefined)).toEqual([]);
    const [p] = parseOidcProviders(JSON.stringify([base]), secrets);
    expect(p).toMatchObject({ clientSecret: "s3cret", scopes: ["openid", "email", "profile"], groupsClaim: "groups", defaultRole: null, trustIdpMfa: false, linkVerifiedEmail: false });
  });

  it("explains each problem with its path", () => {
    expect(problems("{nope")).toEqual(["OPSDECK_OIDC_PROVIDERS: expected a JSON array of providers"]);
    expect(problems(JSON.stringify([{ ...base, issuer: "not a url", roleMapping: { x: "root" } }])).join("\n")).toMatch(/\[0\]\.issuer: expected the provider's issuer URL[\s\S]*\[0\]\.roleMapping\.x: expected one of viewer, operator, admin, auditor/);
    expect(problems(JSON.stringify([{ ...base, clientSecretEnv: "not-a-name" }]))[0]).toMatch(/clientSecretEnv: expected the NAME of the env var/);
    expect(problems(JSON.stringify([{ ...base, clientSecretEnv: "MISSING" }]))).toEqual(["OPSDECK_OIDC_PROVIDERS[0].clientSecretEnv: env var MISSING is not set"]);
    expect(problems(JSON.stringify([{ ...base, roleMapping: {} }]))[0]).toMatch(/nobody could sign in/);
    expect(problems(JSON.stringify([{ ...base, scopes: ["email"] }]))[0]).toMatch(/scopes must include openid/);
    expect(problems(JSON.stringify([base, base]))[0]).toMatch(/\[1\]\.id: duplicate provider id "kc"/);
    expect(problems(JSON.stringify([{ ...base, clientSecret: "inline" }]))[0]).toMatch(/clientSecret/); // secrets only by env var name
  });
});

describe("the one-provider shorthand (OPSDECK_OIDC_ISSUER …)", () => {
  const shorthand = {
    OPSDECK_OIDC_ISSUER: "https://login.example.com/realms/ops",
    OPSDECK_OIDC_CLIENT_ID: "opsdeck",
    OPSDECK_OIDC_CLIENT_SECRET: "s3cret",
    OPSDECK_OIDC_ROLE_MAPPING: "ops-admins=admin, oncall=viewer,compliance=auditor",
  };
  const problemsOf = (source: Record<string, string>) => {
    try {
      parseOidcSettings(source);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it("configures one provider from flat variables, with the same defaults as a list entry", () => {
    expect(parseOidcSettings({})).toEqual([]);
    const [p, ...rest] = parseOidcSettings(shorthand);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      id: "sso",
      name: "Single sign-on",
      issuer: shorthand.OPSDECK_OIDC_ISSUER,
      clientId: "opsdeck",
      clientSecret: "s3cret",
      scopes: ["openid", "email", "profile"],
      roleMapping: { "ops-admins": "admin", oncall: "viewer", compliance: "auditor" },
      trustIdpMfa: false,
      defaultRole: null,
    });
    const [q] = parseOidcSettings({ ...shorthand, OPSDECK_OIDC_NAME: "Okta", OPSDECK_OIDC_ID: "okta", OPSDECK_OIDC_SCOPES: "openid email profile groups", OPSDECK_OIDC_TRUST_MFA: "true", OPSDECK_OIDC_MFA_ACR_VALUES: "urn:okta:loa:2fa:any", OPSDECK_OIDC_GROUPS_CLAIM: "roles" });
    expect(q).toMatchObject({ id: "okta", name: "Okta", scopes: ["openid", "email", "profile", "groups"], trustIdpMfa: true, mfaAcrValues: ["urn:okta:loa:2fa:any"], groupsClaim: "roles" });
  });

  it("adds to OPSDECK_OIDC_PROVIDERS, and refuses the same id twice", () => {
    const list = JSON.stringify([{ ...base, clientSecretEnv: undefined }]);
    expect(parseOidcSettings({ ...shorthand, OPSDECK_OIDC_PROVIDERS: list }).map((p) => p.id)).toEqual(["kc", "sso"]);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_ID: "kc", OPSDECK_OIDC_PROVIDERS: list })[0]).toMatch(/^OPSDECK_OIDC_ID: "kc" is also a provider id/);
  });

  it("names the variable to fix", () => {
    expect(problemsOf({ OPSDECK_OIDC_CLIENT_ID: "opsdeck" })[0]).toMatch(/^OPSDECK_OIDC_CLIENT_ID: is set but OPSDECK_OIDC_ISSUER is not/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_CLIENT_ID: "" })).toEqual(["OPSDECK_OIDC_CLIENT_ID: required with OPSDECK_OIDC_ISSUER (the client id registered at the identity provider)"]);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_ISSUER: "login.example.com" })[0]).toMatch(/^OPSDECK_OIDC_ISSUER: expected the provider's issuer URL/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_ROLE_MAPPING: "ops-admins:admin" })[0]).toMatch(/^OPSDECK_OIDC_ROLE_MAPPING: "ops-admins:admin" is not group=role/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_ROLE_MAPPING: "ops-admins=root" })[0]).toMatch(/^OPSDECK_OIDC_ROLE_MAPPING: expected one of viewer, operator, admin, auditor/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_ROLE_MAPPING: "" })[0]).toMatch(/^OPSDECK_OIDC_ROLE_MAPPING: .*nobody could sign in/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_TRUST_MFA: "sometimes" })[0]).toMatch(/^OPSDECK_OIDC_TRUST_MFA: expected true or false/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_SCOPES: "email profile" })[0]).toMatch(/^OPSDECK_OIDC_SCOPES: scopes must include openid/);
    expect(problemsOf({ ...shorthand, OPSDECK_OIDC_DEFAULT_ROLE: "root" })[0]).toMatch(/^OPSDECK_OIDC_DEFAULT_ROLE: /);
  });
});

describe("group → role mapping", () => {
  const provider = { roleMapping: { "ops-admins": "admin", oncall: "viewer", compliance: "auditor", ops: "operator" } as const, defaultRole: null };
  it("takes the highest mapped role", () => {
    expect(mapGroupsToRole(provider, ["oncall", "ops-admins"]).role).toBe("admin");
    expect(mapGroupsToRole(provider, ["compliance", "oncall"]).role).toBe("auditor");
    expect(mapGroupsToRole(provider, ["ops", "compliance"]).role).toBe("operator");
  });
  it("falls back to the default role, or refuses", () => {
    expect(mapGroupsToRole(provider, ["marketing", "constructor", "__proto__"]).role).toBeNull();
    expect(mapGroupsToRole({ ...provider, defaultRole: "viewer" }, []).role).toBe("viewer");
  });
  it("reads the groups claim as an array or a single string", () => {
    expect(groupsFromClaims({ groups: ["a", 1, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsFromClaims({ roles: "a" }, "roles")).toEqual(["a"]);
    expect(groupsFromClaims({}, "groups")).toEqual([]);
  });
});

describe("IdP MFA", () => {
  const trusted = { trustIdpMfa: true, mfaAmrValues: ["mfa", "otp", "hwk"], mfaAcrValues: ["urn:okta:loa:2fa:any"] };
  it("counts only a second factor in amr or a configured acr, and only when trusted", () => {
    expect(idpProvedMfa(trusted, { amr: ["pwd", "hwk"] })).toBe(true);
    expect(idpProvedMfa(trusted, { amr: ["pwd"] })).toBe(false);
    expect(idpProvedMfa(trusted, { amr: "mfa" })).toBe(false);
    expect(idpProvedMfa(trusted, { acr: "urn:okta:loa:2fa:any" })).toBe(true);
    expect(idpProvedMfa({ ...trusted, trustIdpMfa: false }, { amr: ["mfa"] })).toBe(false);
  });
});
