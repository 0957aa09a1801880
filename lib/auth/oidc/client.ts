/**
 * The relying party, on openid-client v6 (panva): discovery from the issuer, then the authorization code
 * flow with PKCE (S256), state and nonce. openid-client verifies the ID token (signature from the
 * provider's JWKS — enabled explicitly below —, issuer, audience, nonce, expiry) and the state in authorizationCodeGrant.
 */
import * as oidc from "openid-client";
import type { OidcProviderConfig } from "./config";

const configurations = new Map<string, Promise<oidc.Configuration>>();

/** Plain http is accepted only for a loopback issuer (a local test IdP), never for a real one. */
function isLoopback(url: URL): boolean {
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

export type OidcFlowState = { providerId: string; state: string; nonce: string; codeVerifier: string; next: string };

/** The URL to send the browser to, and the secrets to keep (encrypted, httpOnly) until the callback. */
export async function beginAuthorization(provider: OidcProviderConfig, redirectUri: string, next: string): Promise<{ url: URL; flow: OidcFlowState }> {
  const config = await oidcConfiguration(provider);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const flow: OidcFlowState = { providerId: provider.id, state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, next };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: provider.scopes.join(" "),
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url, flow };
}

/** Exchanges the code and returns the verified ID token claims (throws on any failed check). */
export async function completeAuthorization(provider: OidcProviderConfig, callbackUrl: URL, flow: OidcFlowState): Promise<Record<string, unknown>> {
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
