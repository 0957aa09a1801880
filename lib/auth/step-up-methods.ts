/**
 * How a signed-in user proves MFA again before a destructive action (restore, rollback): with the console's
 * TOTP when they enrolled it, else by re-authenticating at an SSO provider that is linked to their account
 * (user_identities) and trusted for MFA (`trustIdpMfa`). The step-up form asks for whichever they have.
 */
import { prisma } from "../db/prisma";
import { log } from "../log/logger";
import { oidcProviders, type OidcProviderConfig } from "./oidc/config";

export type StepUpProvider = { id: string; name: string };
export type StepUpMethods = { kind: "totp" } | { kind: "idp"; providers: StepUpProvider[] } | { kind: "none" };

function configuredProviders(): OidcProviderConfig[] {
  try {
    return oidcProviders();
  } catch (error) {
    log.error("SSO is misconfigured; IdP step-up is unavailable", { error: error instanceof Error ? error.message : String(error) });
    return [];
  }
}

/** The configured providers trusted for MFA that this user has an identity at (by provider id and issuer). */
export async function trustedLinkedProviders(userId: string): Promise<OidcProviderConfig[]> {
  const trusted = configuredProviders().filter((p) => p.trustIdpMfa);
  if (trusted.length === 0) return [];
  const identities = await prisma().userIdentity.findMany({ where: { userId, providerId: { in: trusted.map((p) => p.id) } }, select: { providerId: true, issuer: true } });
  return trusted.filter((p) => identities.some((i) => i.providerId === p.id && sameIssuer(i.issuer, p.issuer)));
}

/** Issuers compare as URLs written by the IdP; a trailing slash in the config is not a different IdP. */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

export async function stepUpMethods(userId: string): Promise<StepUpMethods> {
  const user = await prisma().user.findUnique({ where: { id: userId }, select: { mfaEnabledAt: true, mfaSecret: true } });
  if (!user) return { kind: "none" };
  if (user.mfaEnabledAt && user.mfaSecret) return { kind: "totp" };
  const providers = await trustedLinkedProviders(userId);
  return providers.length ? { kind: "idp", providers: providers.map((p) => ({ id: p.id, name: p.name })) } : { kind: "none" };
}
