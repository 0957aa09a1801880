/**
 * The relying party, on openid-client v6 (panva): discovery from the issuer, then the authorization code
 * flow with PKCE (S256), state and nonce. openid-client verifies the ID token (signature from the
 * provider's JWKS — enabled explicitly below —, issuer, audience, nonce, expiry) and the state in authorizationCodeGrant.
 */
import * as oidc from "openid-client";
import type { OidcProviderConfig } from "./config";

const configurations = new Map<string, Promise<oidc.Configuration>>();

/** Plain http is accepted only for a loopback issuer (a local test IdP), never for a real one. */
export function isLoopback(url: URL): boolean {
  return url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
}

export function oidcConfiguration(provider: OidcProviderConfig): Promise<oidc.Configuration> {
  const key = `${provider.id}|${provider.issuer}|${provider.clientId}`;
  let pending = configurations.get(key);
  if (!pending) {
    const issuer = new URL(provider.issuer);
    const insecure = issuer.protocol === "http:" && isLoopback(issuer);
    pending = oidc.discovery(
      issuer,
      provider.clientId,
      undefined,
      provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None(),
      // Non-repudiation: the ID token's signature is checked against the provider's JWKS even though it came
      // straight from the token endpoint (openid-client skips that by default, relying on TLS alone).
      { execute: insecure ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks] },
    );
    pending.catch(() => configurations.delete(key)); // retry discovery next time
    configurations.set(key, pending);
  }
  return pending;
}

/** Forget cached discovery documents (tests; a provider whose keys or endpoints changed). */
export function resetOidcConfigurations() {
  configurations.clear();
}

/** A sign-in flow (`purpose` absent on cookies written before step-up existed: still a sign-in). */
export type OidcFlowState = { providerId: string; state: string; nonce: string; codeVerifier: string; next: string; purpose?: "sign-in" };

/**
 * A step-up flow: a signed-in user re-authenticates at the IdP (prompt=login, max_age=0) to prove MFA again
 * for THIS session. Bound to the session and the user it was started for. It has `returnTo` instead of
 * `next` on purpose: the sign-in action's flow schema requires `next`, so a step-up flow can never be
 * replayed as a sign-in (and the step-up action refuses anything not marked "step-up").
 */
export type OidcStepUpFlowState = { purpose: "step-up"; providerId: string; state: string; nonce: string; codeVerifier: string; sessionId: string; userId: string; returnTo: string };

export type AnyOidcFlowState = OidcFlowState | OidcStepUpFlowState;

export function isStepUpFlow(flow: AnyOidcFlowState | null | undefined): flow is OidcStepUpFlowState {
  return flow?.purpose === "step-up";
}

async function authorizationUrl(provider: OidcProviderConfig, redirectUri: string, extra: Record<string, string> = {}) {
  const config = await oidcConfiguration(provider);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const secrets = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: provider.scopes.join(" "),
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state: secrets.state,
    nonce: secrets.nonce,
    ...extra,
  });
  return { url, secrets };
}

/** The URL to send the browser to, and the secrets to keep (encrypted, httpOnly) until the callback. */
export async function beginAuthorization(provider: OidcProviderConfig, redirectUri: string, next: string): Promise<{ url: URL; flow: OidcFlowState }> {
  const { url, secrets } = await authorizationUrl(provider, redirectUri);
  return { url, flow: { purpose: "sign-in", providerId: provider.id, ...secrets, next } };
}

/**
 * Step-up: the same code flow, but the IdP must authenticate the user again now (`prompt=login`) and say when
 * (`max_age=0` makes `auth_time` mandatory in the ID token), whatever session the user has there.
 */
export async function beginStepUpAuthorization(
  provider: OidcProviderConfig,
  redirectUri: string,
  bind: { sessionId: string; userId: string; returnTo: string },
): Promise<{ url: URL; flow: OidcStepUpFlowState }> {
  const { url, secrets } = await authorizationUrl(provider, redirectUri, { prompt: "login", max_age: "0" });
  return { url, flow: { purpose: "step-up", providerId: provider.id, ...secrets, ...bind } };
}

/** Exchanges the code and returns the verified ID token claims (throws on any failed check). */
export async function completeAuthorization(provider: OidcProviderConfig, callbackUrl: URL, flow: Pick<AnyOidcFlowState, "state" | "nonce" | "codeVerifier">): Promise<Record<string, unknown>> {
  const config = await oidcConfiguration(provider);
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: flow.codeVerifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error("no ID token in the token response");
  return { ...claims };
}
