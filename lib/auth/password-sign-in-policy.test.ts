import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, passwordSignInEnv } from "../config/env";
import { breakGlassIneligibility, breakGlassUsable, BREAK_GLASS_MAX_MINUTES, parseBreakGlassMinutes } from "./break-glass/break-glass";
import { assertPasswordSignInConfig, passwordSignInConfigProblems, passwordSignInEnabled } from "./password-sign-in-policy";

const PROVIDERS = JSON.stringify([{ id: "corp", name: "Corp SSO", issuer: "https://idp.example.com", clientId: "opsdeck", roleMapping: { ops: "admin" } }]);

describe("OPSDECK_PASSWORD_SIGNIN", () => {
  it("is on by default and accepts on/off in any case, with spaces", () => {
    expect(passwordSignInEnv({})).toBe("on");
    expect(passwordSignInEnv({ OPSDECK_PASSWORD_SIGNIN: "" })).toBe("on");
    expect(passwordSignInEnv({ OPSDECK_PASSWORD_SIGNIN: " OFF " })).toBe("off");
    expect(passwordSignInEnabled({ OPSDECK_PASSWORD_SIGNIN: "on" })).toBe(true);
    expect(passwordSignInEnabled({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_PROVIDERS: PROVIDERS })).toBe(false);
  });

  it("refuses any other value, naming the variable (no silent fallback to on or off)", () => {
    for (const value of ["false", "0", "no", "disabled", "sso"]) {
      expect(() => passwordSignInEnv({ OPSDECK_PASSWORD_SIGNIN: value })).toThrow(ConfigError);
      expect(passwordSignInConfigProblems({ OPSDECK_PASSWORD_SIGNIN: value })[0]).toMatch(/^OPSDECK_PASSWORD_SIGNIN: expected "on" \(the default\) or "off"/);
    }
  });
});

describe("boot check: off needs single sign-on", () => {
  it("refuses off without any SSO provider: nobody could sign in", () => {
    for (const providers of [undefined, "", "  ", "[]"]) {
      const source = { OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_PROVIDERS: providers };
      expect(() => assertPasswordSignInConfig(source)).toThrow(ConfigError);
      const [problem] = passwordSignInConfigProblems(source);
      expect(problem).toMatch(/OPSDECK_PASSWORD_SIGNIN: is off, but neither OPSDECK_OIDC_ISSUER nor OPSDECK_OIDC_PROVIDERS configures a single sign-on provider, so nobody could sign in/);
    }
  });

  it("refuses off with a broken provider list, showing what is wrong with it", () => {
    const problems = passwordSignInConfigProblems({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_PROVIDERS: "{not json" });
    expect(problems[0]).toMatch(/OPSDECK_OIDC_PROVIDERS: expected a JSON array/);
    expect(problems.at(-1)).toMatch(/OPSDECK_PASSWORD_SIGNIN: is off/);
    // A provider whose secret variable is missing cannot sign anyone in either.
    const missingSecret = JSON.stringify([{ id: "corp", name: "Corp", issuer: "https://idp.example.com", clientId: "x", clientSecretEnv: "CORP_SECRET", defaultRole: "viewer" }]);
    expect(() => assertPasswordSignInConfig({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_PROVIDERS: missingSecret })).toThrow(/CORP_SECRET is not set/);
    expect(assertPasswordSignInConfig({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_PROVIDERS: missingSecret, CORP_SECRET: "s3cret" })).toBe("off");
  });

  it("is what the console's boot checks, before it touches the data dir or a database", async () => {
    const { bootConsole } = await import("../server/boot");
    const dataDir = `/tmp/opsdeck-never-created-${process.pid}`;
    await expect(bootConsole({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_DATA_DIR: dataDir })).rejects.toThrow(/OPSDECK_PASSWORD_SIGNIN: is off, but neither OPSDECK_OIDC_ISSUER nor OPSDECK_OIDC_PROVIDERS configures/);
    await expect(bootConsole({ OPSDECK_PASSWORD_SIGNIN: "maybe", OPSDECK_DATA_DIR: dataDir })).rejects.toBeInstanceOf(ConfigError);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("accepts off with a provider, and on with or without one", () => {
    expect(assertPasswordSignInConfig({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_PROVIDERS: PROVIDERS })).toBe("off");
    // The one-provider shorthand counts too; a broken shorthand is refused like a broken list.
    expect(assertPasswordSignInConfig({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_ISSUER: "https://idp.example.com", OPSDECK_OIDC_CLIENT_ID: "opsdeck", OPSDECK_OIDC_DEFAULT_ROLE: "viewer" })).toBe("off");
    expect(() => assertPasswordSignInConfig({ OPSDECK_PASSWORD_SIGNIN: "off", OPSDECK_OIDC_ISSUER: "https://idp.example.com", OPSDECK_OIDC_DEFAULT_ROLE: "viewer" })).toThrow(/OPSDECK_OIDC_CLIENT_ID: required/);
    expect(assertPasswordSignInConfig({})).toBe("on");
    expect(assertPasswordSignInConfig({ OPSDECK_PASSWORD_SIGNIN: "on", OPSDECK_OIDC_PROVIDERS: "{broken" })).toBe("on"); // SSO buttons hide, passwords work
  });
});

describe("who can be a break-glass account", () => {
  const admin = { role: "admin", source: "local", passwordHash: "$argon2id$…", mfaEnabledAt: new Date(), disabledAt: null };
  const now = new Date("2026-12-06T12:00:00Z");

  it("is an enabled local admin with a password and console TOTP", () => {
    expect(breakGlassIneligibility(admin)).toBeNull();
    expect(breakGlassIneligibility({ ...admin, role: "operator" })).toMatch(/Only an admin/);
    expect(breakGlassIneligibility({ ...admin, role: "viewer" })).toMatch(/Only an admin/);
    expect(breakGlassIneligibility({ ...admin, source: "oidc:corp", passwordHash: null })).toMatch(/local account with a password/);
    expect(breakGlassIneligibility({ ...admin, passwordHash: null })).toMatch(/local account with a password/);
    expect(breakGlassIneligibility({ ...admin, disabledAt: now })).toMatch(/disabled/);
    expect(breakGlassIneligibility({ ...admin, mfaEnabledAt: null })).toMatch(/no authenticator/);
  });

  it("uses the window only while it is open and the account still qualifies", () => {
    const later = new Date(now.getTime() + 60_000);
    expect(breakGlassUsable({ ...admin, breakGlassUntil: later }, now)).toBe(true);
    expect(breakGlassUsable({ ...admin, breakGlassUntil: now }, now)).toBe(false); // ends at `until`
    expect(breakGlassUsable({ ...admin, breakGlassUntil: null }, now)).toBe(false);
    expect(breakGlassUsable({ ...admin, mfaEnabledAt: null, breakGlassUntil: later }, now)).toBe(false); // MFA reset after enabling
    expect(breakGlassUsable({ ...admin, role: "viewer", breakGlassUntil: later }, now)).toBe(false); // demoted after enabling
  });

  it("takes 1 to 1440 whole minutes, 60 by default", () => {
    expect(parseBreakGlassMinutes(undefined)).toBe(60);
    expect(parseBreakGlassMinutes("1")).toBe(1);
    expect(parseBreakGlassMinutes(String(BREAK_GLASS_MAX_MINUTES))).toBe(1440);
    for (const bad of ["0", "1441", "-5", "1.5", "abc", "", "1e3"]) expect(() => parseBreakGlassMinutes(bad)).toThrow(/1 to 1440/);
  });
});
