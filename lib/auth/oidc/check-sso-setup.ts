/**
 * "Is single sign-on set up right?", for Admin → Single sign-on and `npm run opsdeck -- sso check`:
 * for each configured provider, a fresh discovery (not the sign-in cache), its JWKS, and what the console
 * will ask of it — PKCE S256, the `code` flow, the scopes, the client authentication it uses
 * (client_secret_post), the groups claim and the MFA `acr` values — each mismatch a finding that says
 * what to change. Also the redirect URI to register at the IdP, the group → role mapping, and how many
 * users are linked (and when one last signed in). Secrets are never part of the result.
 */
import * as oidc from "openid-client";
import { ConfigError, passwordSignInEnv } from "../../config/env";
import { prisma } from "../../db/prisma";
import { isLoopback } from "./client";
import { ROLE_PRECEDENCE, type OidcProviderConfig, oidcProviders } from "./config";
import { oidcCallbackPath } from "./public-providers";

export type Finding = { level: "error" | "warn" | "info"; text: string };

export type DiscoveryResult =
  | { ok: true; ms: number; authorizationEndpoint: string; tokenEndpoint: string; jwksUri: string; signingKeys: number }
  | { ok: false; ms: number; error: string };

export type ProviderCheck = {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  redirectUri: string;
  scopes: string[];
  groupsClaim: string;
  /** Highest role first, as the mapping is applied. */
  roleMapping: { group: string; role: string }[];
  defaultRole: string | null;
  trustIdpMfa: boolean;
  mfaAmrValues: string[];
  mfaAcrValues: string[];
  linkVerifiedEmail: boolean;
  discovery: DiscoveryResult;
  findings: Finding[];
  linkedUsers: number;
  lastSignInAt: Date | null;
};

export type SsoSetupCheck = {
  /** Problems in OPSDECK_OIDC_* (one line each, naming the variable); the providers are then unknown. */
  configProblems: string[];
  passwordSignIn: "on" | "off" | "invalid";
  providers: ProviderCheck[];
  checkedAt: Date;
};

const TIMEOUT_SECONDS = 5;

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error && cause.message && !error.message.includes(cause.message) ? ` (${cause.message})` : "";
    return `${error.message}${detail}`;
  }
  return String(error);
}

async function discover(provider: OidcProviderConfig): Promise<{ result: DiscoveryResult; metadata: oidc.ServerMetadata | null }> {
  const started = performance.now();
  const issuer = new URL(provider.issuer);
  if (issuer.protocol !== "https:" && !isLoopback(issuer)) {
    return { result: { ok: false, ms: 0, error: `the issuer must use https (plain http is accepted only on loopback, for a local test IdP)` }, metadata: null };
  }
  try {
    const config = await oidc.discovery(issuer, provider.clientId, undefined, undefined, {
      timeout: TIMEOUT_SECONDS,
      execute: issuer.protocol === "http:" ? [oidc.allowInsecureRequests] : [],
    });
    const metadata = config.serverMetadata();
    let signingKeys = 0;
    if (metadata.jwks_uri) {
      const response = await fetch(metadata.jwks_uri, { signal: AbortSignal.timeout(TIMEOUT_SECONDS * 1000), headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`its JWKS (${metadata.jwks_uri}) answered HTTP ${response.status}`);
      const jwks = (await response.json()) as { keys?: { use?: string }[] };
      signingKeys = (jwks.keys ?? []).filter((k) => k.use === undefined || k.use === "sig").length;
    }
    return {
      result: {
        ok: true,
        ms: Math.round(performance.now() - started),
        authorizationEndpoint: metadata.authorization_endpoint ?? "",
        tokenEndpoint: metadata.token_endpoint ?? "",
        jwksUri: metadata.jwks_uri ?? "",
        signingKeys,
      },
      metadata,
    };
  } catch (error) {
    return { result: { ok: false, ms: Math.round(performance.now() - started), error: messageOf(error) }, metadata: null };
  }
}

/** What the console needs of the provider's metadata, as findings that say what to change (pure: tested alone). */
export function findingsFor(provider: Pick<OidcProviderConfig, "issuer" | "scopes" | "groupsClaim" | "clientSecret" | "trustIdpMfa" | "mfaAcrValues" | "roleMapping" | "defaultRole">, discovery: DiscoveryResult, metadata: Partial<oidc.ServerMetadata> | null): Finding[] {
  const findings: Finding[] = [];
  if (!discovery.ok) {
    findings.push({
      level: "error",
      text: `Discovery failed: ${discovery.error}. Check the issuer URL (${provider.issuer}/.well-known/openid-configuration must answer) and that this server can reach it.`,
    });
    return findings;
  }
  if (!discovery.authorizationEndpoint || !discovery.tokenEndpoint) findings.push({ level: "error", text: "The provider's metadata has no authorization or token endpoint." });
  if (discovery.signingKeys === 0) findings.push({ level: "error", text: "The provider publishes no signing keys (JWKS): ID tokens could not be verified, so every sign-in would be refused." });
  const listed = <T,>(value: T[] | undefined): T[] | null => (Array.isArray(value) && value.length > 0 ? value : null);
  const responseTypes = listed(metadata?.response_types_supported);
  if (responseTypes && !responseTypes.includes("code")) findings.push({ level: "error", text: `The provider does not offer the authorization code flow (response_types_supported: ${responseTypes.join(", ")}).` });
  const pkce = listed(metadata?.code_challenge_methods_supported);
  if (!pkce) findings.push({ level: "warn", text: "The provider does not say whether it supports PKCE (code_challenge_methods_supported). The console always sends S256; most providers accept it." });
  else if (!pkce.includes("S256")) findings.push({ level: "error", text: `The provider does not support PKCE with S256 (it lists ${pkce.join(", ")}); the console requires it.` });
  const scopes = listed(metadata?.scopes_supported);
  const unknownScopes = scopes ? provider.scopes.filter((s) => !scopes.includes(s)) : [];
  if (unknownScopes.length) findings.push({ level: "warn", text: `The console asks for scope ${unknownScopes.join(", ")}, which the provider does not list in scopes_supported; the provider may refuse the sign-in. Remove it from the scopes or add it at the provider.` });
  const authMethods = listed(metadata?.token_endpoint_auth_methods_supported);
  if (provider.clientSecret && authMethods && !authMethods.includes("client_secret_post")) {
    findings.push({ level: "error", text: `The console sends its client secret in the token request body (client_secret_post); the provider accepts only ${authMethods.join(", ")}. Allow client_secret_post for this client at the provider.` });
  }
  if (!provider.clientSecret && authMethods && !authMethods.includes("none")) {
    findings.push({ level: "warn", text: "No client secret is configured (a public client), but the provider does not list \"none\" among its token endpoint auth methods; set the client secret." });
  }
  const claims = listed(metadata?.claims_supported);
  if (Object.keys(provider.roleMapping).length > 0 && claims && !claims.includes(provider.groupsClaim)) {
    findings.push({
      level: "warn",
      text: `The groups claim "${provider.groupsClaim}" is not in the provider's claims_supported. Make sure the provider puts it in the ID token (a "groups" mapper or claim on the client), or nobody gets a mapped role.`,
    });
  }
  const acrSupported = listed(metadata?.acr_values_supported);
  if (provider.trustIdpMfa && provider.mfaAcrValues.length && acrSupported) {
    const unknown = provider.mfaAcrValues.filter((a) => !acrSupported.includes(a));
    if (unknown.length) findings.push({ level: "warn", text: `MFA is recognised by acr ${unknown.join(", ")}, which the provider does not list in acr_values_supported.` });
  }
  if (!provider.trustIdpMfa) findings.push({ level: "info", text: "The provider's MFA is not trusted: after signing in here, users also enter the console's own TOTP code." });
  if (provider.defaultRole) findings.push({ level: "info", text: `Anyone the provider signs in without a mapped group gets the ${provider.defaultRole} role.` });
  return findings;
}

function mappingByPrecedence(mapping: Record<string, string>): { group: string; role: string }[] {
  const rank = (role: string) => ROLE_PRECEDENCE.indexOf(role as (typeof ROLE_PRECEDENCE)[number]);
  return Object.entries(mapping)
    .map(([group, role]) => ({ group, role }))
    .sort((a, b) => rank(a.role) - rank(b.role) || a.group.localeCompare(b.group));
}

/**
 * Checks every configured provider (in parallel). `origin` is the console's public origin, for the
 * redirect URI (NEXTAUTH_URL, or the address the admin is using). `countLinkedUsers: false` skips the
 * database (a CLI check where it cannot be opened): linked users then read 0.
 */
export async function checkSsoSetup(origin: string, options: { providers?: OidcProviderConfig[]; countLinkedUsers?: boolean } = {}): Promise<SsoSetupCheck> {
  let passwordSignIn: SsoSetupCheck["passwordSignIn"];
  try {
    passwordSignIn = passwordSignInEnv();
  } catch {
    passwordSignIn = "invalid";
  }
  let providers: OidcProviderConfig[];
  try {
    providers = options.providers ?? oidcProviders();
  } catch (error) {
    if (error instanceof ConfigError) return { configProblems: error.problems, passwordSignIn, providers: [], checkedAt: new Date() };
    throw error;
  }
  const linked = providers.length && options.countLinkedUsers !== false
    ? await prisma().userIdentity.groupBy({ by: ["providerId"], where: { providerId: { in: providers.map((p) => p.id) } }, _count: { _all: true }, _max: { lastSignInAt: true } })
    : [];
  const checks = await Promise.all(
    providers.map(async (p): Promise<ProviderCheck> => {
      const { result, metadata } = await discover(p);
      const users = linked.find((l) => l.providerId === p.id);
      return {
        id: p.id,
        name: p.name,
        issuer: p.issuer,
        clientId: p.clientId,
        hasClientSecret: Boolean(p.clientSecret),
        redirectUri: new URL(oidcCallbackPath(p.id), origin).toString(),
        scopes: p.scopes,
        groupsClaim: p.groupsClaim,
        roleMapping: mappingByPrecedence(p.roleMapping),
        defaultRole: p.defaultRole,
        trustIdpMfa: p.trustIdpMfa,
        mfaAmrValues: p.mfaAmrValues,
        mfaAcrValues: p.mfaAcrValues,
        linkVerifiedEmail: p.linkVerifiedEmail,
        discovery: result,
        findings: findingsFor(p, result, metadata),
        linkedUsers: users?._count._all ?? 0,
        lastSignInAt: users?._max.lastSignInAt ?? null,
      };
    }),
  );
  return { configProblems: [], passwordSignIn, providers: checks, checkedAt: new Date() };
}

/** True when a provider has an error finding (the CLI's exit code; the page's red badge). */
export function hasErrors(check: SsoSetupCheck): boolean {
  return check.configProblems.length > 0 || check.providers.some((p) => p.findings.some((f) => f.level === "error"));
}
