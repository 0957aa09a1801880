import "server-only";
/**
 * Between "Sign in with <provider>" and the callback, the state, nonce and PKCE verifier live in an
 * encrypted (JWE, next-auth's own format and secret) httpOnly cookie, for 10 minutes. After an SSO sign-in
 * whose MFA the IdP proved, the session token is minted here exactly as next-auth mints it for the
 * Credentials provider: a JWE carrying only the user id and the UserSession id.
 */
import { encode, decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { env } from "../../config/env";
import { cookieFlags, secureCookiesEnabled, sessionCookieName } from "../cookie-names";
import { SESSION_MAX_AGE_SECONDS } from "../user-sessions";
import type { OidcFlowState } from "./client";

const FLOW_MAX_AGE_SECONDS = 10 * 60;

export function oidcFlowCookieName(): string {
  return `${secureCookiesEnabled() ? "__Secure-" : ""}opsdeck.sso-flow`;
}

export async function setOidcFlowCookie(flow: OidcFlowState) {
  const value = await encode({ token: { ...flow }, secret: env().NEXTAUTH_SECRET, maxAge: FLOW_MAX_AGE_SECONDS });
  (await cookies()).set(oidcFlowCookieName(), value, { ...cookieFlags(), maxAge: FLOW_MAX_AGE_SECONDS });
}

/** Reads and clears the flow cookie (one use). */
export async function takeOidcFlowCookie(): Promise<OidcFlowState | null> {
  const jar = await cookies();
  const raw = jar.get(oidcFlowCookieName())?.value;
  jar.delete({ name: oidcFlowCookieName(), ...cookieFlags() });
  if (!raw) return null;
  try {
    const token = await decode({ token: raw, secret: env().NEXTAUTH_SECRET });
    if (!token) return null;
    const { providerId, state, nonce, codeVerifier, next } = token as Record<string, unknown>;
    if ([providerId, state, nonce, codeVerifier, next].some((v) => typeof v !== "string")) return null;
    return { providerId, state, nonce, codeVerifier, next } as OidcFlowState;
  } catch {
    return null;
  }
}

export async function setSessionTokenCookie(params: { userId: string; sessionId: string }) {
  const value = await encode({ token: { sub: params.userId, sid: params.sessionId }, secret: env().NEXTAUTH_SECRET, maxAge: SESSION_MAX_AGE_SECONDS });
  (await cookies()).set(sessionCookieName(), value, { ...cookieFlags(), maxAge: SESSION_MAX_AGE_SECONDS });
}
