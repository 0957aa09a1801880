/**
 * SSO providers (Phase 7): OPSDECK_OIDC_PROVIDERS is a JSON array, one entry per OpenID Provider found by
 * discovery from its issuer URL. The client secret is never in this config: `clientSecretEnv` names the
 * env var holding it. Group → role mapping: the highest mapped role wins; with no mapped group the user
 * gets `defaultRole`, or is refused when it is null (the default). The IdP's MFA counts only when
 * `trustIdpMfa` is on and the ID token's `amr` (or `acr`) proves a second factor; otherwise the console's
 * own TOTP is still required.
 */
import { z } from "zod";
import { ConfigError, oidcProvidersEnv, oidcSecret, oidcShorthandEnv, type OidcShorthandEnv } from "../../config/env";
import { ROLES, type Role } from "../policy";

/** `amr` values (RFC 8176) that show a second factor or a phishing-resistant authenticator. */
export const DEFAULT_MFA_AMR_VALUES = ["mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "retina", "vbm", "sc", "pop"] as const;

/** Highest first: a user in several mapped groups gets the first of these they map to. */
export const ROLE_PRECEDENCE: readonly Role[] = ["admin", "operator", "auditor", "viewer"];

const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

export const oidcProviderSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: "expected a short slug (a-z, 0-9, -), used in the callback URL" }),
    name: z.string().trim().min(1).max(60),
    issuer: z.url({ message: "expected the provider's issuer URL, e.g. https://idp.example.com/realms/ops" }),
    clientId: z.string().min(1),
    clientSecretEnv: z.string().regex(ENV_VAR_NAME, { message: "expected the NAME of the env var holding the client secret, e.g. OPSDECK_OIDC_KEYCLOAK_SECRET" }).optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).default(["openid", "email", "profile"]),
    groupsClaim: z.string().min(1).default("groups"),
    roleMapping: z.record(z.string().min(1), z.enum(ROLES, { message: `expected one of ${ROLES.join(", ")}` })).default({}),
    defaultRole: z.enum(ROLES).nullable().default(null),
    trustIdpMfa: z.boolean().default(false),
    mfaAmrValues: z.array(z.string().min(1)).default([...DEFAULT_MFA_AMR_VALUES]),
    mfaAcrValues: z.array(z.string().min(1)).default([]),
    /** Link a first SSO sign-in to an existing account with the same email, when the IdP says the email is verified. */
    linkVerifiedEmail: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.scopes.includes("openid"), { message: "scopes must include openid", path: ["scopes"] })
  .refine((p) => p.defaultRole !== null || Object.keys(p.roleMapping).length > 0, {
    message: "roleMapping is empty and defaultRole is null: nobody could sign in with this provider",
    path: ["roleMapping"],
  });

export type OidcProviderConfig = z.infer<typeof oidcProviderSchema> & { clientSecret: string | undefined };

const providersSchema = z.array(oidcProviderSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (seen.has(p.id)) ctx.addIssue({ code: "custom", message: `duplicate provider id "${p.id}"`, path: [i, "id"] });
    seen.add(p.id);
  });
});

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `OPSDECK_OIDC_PROVIDERS${i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}: ${i.message}`);
}

/** Parses and validates the providers; throws ConfigError with one line per problem. */
export function parseOidcProviders(raw: string | undefined, secretOf: (name: string) => string | undefined = (n) => oidcSecret(n)): OidcProviderConfig[] {
  if (!raw) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(["OPSDECK_OIDC_PROVIDERS: expected a JSON array of providers"]);
  }
  const result = providersSchema.safeParse(json);
  if (!result.success) throw new ConfigError(describeIssues(result.error));
  return result.data.map((p, i) => {
    const clientSecret = p.clientSecretEnv ? secretOf(p.clientSecretEnv) : undefined;
    if (p.clientSecretEnv && !clientSecret) throw new ConfigError([`OPSDECK_OIDC_PROVIDERS[${i}].clientSecretEnv: env var ${p.clientSecretEnv} is not set`]);
    return { ...p, clientSecret };
  });
}

/** Which shorthand variable each provider field comes from (for error messages that name what to change). */
const SHORTHAND_FIELD_VAR: Record<string, keyof OidcShorthandEnv> = {
  id: "OPSDECK_OIDC_ID",
  name: "OPSDECK_OIDC_NAME",
  issuer: "OPSDECK_OIDC_ISSUER",
  clientId: "OPSDECK_OIDC_CLIENT_ID",
  scopes: "OPSDECK_OIDC_SCOPES",
  groupsClaim: "OPSDECK_OIDC_GROUPS_CLAIM",
  roleMapping: "OPSDECK_OIDC_ROLE_MAPPING",
  defaultRole: "OPSDECK_OIDC_DEFAULT_ROLE",
  trustIdpMfa: "OPSDECK_OIDC_TRUST_MFA",
  mfaAcrValues: "OPSDECK_OIDC_MFA_ACR_VALUES",
};

const words = (value: string) => value.split(/[\s,]+/).filter(Boolean);

/**
 * One provider from the flat OPSDECK_OIDC_* variables (the issue's "OPSDECK_OIDC_ISSUER, client id and
 * secret, scopes"), or null when OPSDECK_OIDC_ISSUER is unset. The same schema and defaults as one entry of
 * OPSDECK_OIDC_PROVIDERS; the client secret is OPSDECK_OIDC_CLIENT_SECRET itself.
 */
export function parseOidcShorthand(vars: OidcShorthandEnv): OidcProviderConfig | null {
  if (!vars.OPSDECK_OIDC_ISSUER) {
    const stray = Object.keys(vars);
    if (stray.length > 0) throw new ConfigError([`${stray[0]}: is set but OPSDECK_OIDC_ISSUER is not; set the identity provider's issuer URL too (or unset ${stray.join(", ")})`]);
    return null;
  }
  const problems: string[] = [];
  const roleMapping: Record<string, string> = {};
  for (const pair of vars.OPSDECK_OIDC_ROLE_MAPPING ? vars.OPSDECK_OIDC_ROLE_MAPPING.split(",").map((p) => p.trim()).filter(Boolean) : []) {
    const eq = pair.lastIndexOf("=");
    if (eq <= 0 || eq === pair.length - 1) problems.push(`OPSDECK_OIDC_ROLE_MAPPING: "${pair}" is not group=role; expected e.g. ops-admins=admin,oncall=viewer`);
    else roleMapping[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  let trustIdpMfa: boolean | undefined;
  const trust = vars.OPSDECK_OIDC_TRUST_MFA?.toLowerCase();
  if (trust === "true" || trust === "1" || trust === "yes") trustIdpMfa = true;
  else if (trust === "false" || trust === "0" || trust === "no") trustIdpMfa = false;
  else if (trust !== undefined) problems.push(`OPSDECK_OIDC_TRUST_MFA: expected true or false, got "${vars.OPSDECK_OIDC_TRUST_MFA}"`);
  if (problems.length) throw new ConfigError(problems);

  const candidate: Record<string, unknown> = {
    id: vars.OPSDECK_OIDC_ID ?? "sso",
    name: vars.OPSDECK_OIDC_NAME ?? "Single sign-on",
    issuer: vars.OPSDECK_OIDC_ISSUER,
    clientId: vars.OPSDECK_OIDC_CLIENT_ID ?? "",
    roleMapping,
  };
  if (vars.OPSDECK_OIDC_CLIENT_SECRET) candidate.clientSecretEnv = "OPSDECK_OIDC_CLIENT_SECRET";
  if (vars.OPSDECK_OIDC_SCOPES) candidate.scopes = words(vars.OPSDECK_OIDC_SCOPES);
  if (vars.OPSDECK_OIDC_GROUPS_CLAIM) candidate.groupsClaim = vars.OPSDECK_OIDC_GROUPS_CLAIM;
  if (vars.OPSDECK_OIDC_DEFAULT_ROLE) candidate.defaultRole = vars.OPSDECK_OIDC_DEFAULT_ROLE;
  if (trustIdpMfa !== undefined) candidate.trustIdpMfa = trustIdpMfa;
  if (vars.OPSDECK_OIDC_MFA_ACR_VALUES) candidate.mfaAcrValues = words(vars.OPSDECK_OIDC_MFA_ACR_VALUES);

  const result = oidcProviderSchema.safeParse(candidate);
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((i) => {
        const field = String(i.path[0] ?? "");
        const name = field === "clientId" && !vars.OPSDECK_OIDC_CLIENT_ID ? "OPSDECK_OIDC_CLIENT_ID" : (SHORTHAND_FIELD_VAR[field] ?? "OPSDECK_OIDC_ISSUER");
        return field === "clientId" && !vars.OPSDECK_OIDC_CLIENT_ID ? `${name}: required with OPSDECK_OIDC_ISSUER (the client id registered at the identity provider)` : `${name}: ${i.message}`;
      }),
    );
  return { ...result.data, clientSecret: vars.OPSDECK_OIDC_CLIENT_SECRET };
}

/**
 * Every configured provider: OPSDECK_OIDC_PROVIDERS (several IdPs) plus the one-provider shorthand
 * (OPSDECK_OIDC_ISSUER …). Empty when SSO is off; ConfigError when either is invalid or ids collide.
 */
export function parseOidcSettings(source?: Record<string, string | undefined>): OidcProviderConfig[] {
  const list = parseOidcProviders(oidcProvidersEnv(source), (name) => oidcSecret(name, source));
  const single = parseOidcShorthand(oidcShorthandEnv(source));
  if (!single) return list;
  if (list.some((p) => p.id === single.id))
    throw new ConfigError([`OPSDECK_OIDC_ID: "${single.id}" is also a provider id in OPSDECK_OIDC_PROVIDERS; set OPSDECK_OIDC_ID to another short name`]);
  return [...list, single];
}

/** The configured providers (empty when SSO is off). */
export function oidcProviders(): OidcProviderConfig[] {
  return parseOidcSettings();
}

export function oidcProvider(id: string): OidcProviderConfig | null {
  return oidcProviders().find((p) => p.id === id) ?? null;
}

/** Group names from the configured claim: an array of strings, or one string. */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The highest role any of the groups maps to, else the default role, else null (refused). */
export function mapGroupsToRole(provider: Pick<OidcProviderConfig, "roleMapping" | "defaultRole">, groups: readonly string[]): { role: Role | null; matched: string[] } {
  const matched = groups.filter((g) => Object.hasOwn(provider.roleMapping, g));
  const roles = new Set(matched.map((g) => provider.roleMapping[g]));
  const best = ROLE_PRECEDENCE.find((r) => roles.has(r));
  return { role: best ?? provider.defaultRole, matched };
}

/** Whether the ID token proves a second factor the console accepts (only when the provider is trusted for it). */
export function idpProvedMfa(provider: Pick<OidcProviderConfig, "trustIdpMfa" | "mfaAmrValues" | "mfaAcrValues">, claims: Record<string, unknown>): boolean {
  if (!provider.trustIdpMfa) return false;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === "string") : [];
  if (amr.some((v) => provider.mfaAmrValues.includes(v))) return true;
  return typeof claims.acr === "string" && provider.mfaAcrValues.includes(claims.acr);
}
