import "server-only";
/**
 * Between "Sign in with <provider>" (or a step-up re-authentication) and the callback, the state, nonce
 * and PKCE verifier live in an encrypted (JWE, next-auth's own format and secret) httpOnly cookie, for
 * 10 minutes. The cookie says what the flow is for: a sign-in, or a step-up bound to one session and user. After an SSO sign-in
 * whose MFA the IdP proved, the session token is minted here exactly as next-auth mints it for the
 * Credentials provider: a JWE carrying only the user id and the UserSession id.
 */
import { encode, decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { env } from "../../config/env";
import { cookieFlags, secureCookiesEnabled, sessionCookieName } from "../cookie-names";
import { SESSION_MAX_AGE_SECONDS } from "../user-sessions";
import type { AnyOidcFlowState } from "./client";

const FLOW_MAX_AGE_SECONDS = 10 * 60;

export function oidcFlowCookieName(): string {
  return `${secureCookiesEnabled() ? "__Secure-" : ""}opsdeck.sso-flow`;
}

export async function setOidcFlowCookie(flow: AnyOidcFlowState) {
  const value = await encode({ token: { ...flow }, secret: env().NEXTAUTH_SECRET, maxAge: FLOW_MAX_AGE_SECONDS });
  (await cookies()).set(oidcFlowCookieName(), value, { ...cookieFlags(), maxAge: FLOW_MAX_AGE_SECONDS });
}

/** The flow a decoded cookie holds, or null when it is not a well-formed sign-in or step-up flow. */
export function parseOidcFlow(token: Record<string, unknown>): AnyOidcFlowState | null {
  const { purpose, providerId, state, nonce, codeVerifier } = token;
  if ([providerId, state, nonce, codeVerifier].some((v) => typeof v !== "string")) return null;
  const secrets = { providerId, state, nonce, codeVerifier } as { providerId: string; state: string; nonce: string; codeVerifier: string };
  if (purpose === "step-up") {
    const { sessionId, userId, returnTo } = token;
    if ([sessionId, userId, returnTo].some((v) => typeof v !== "string")) return null;
    return { purpose: "step-up", ...secrets, sessionId: sessionId as string, userId: userId as string, returnTo: returnTo as string };
  }
  // A sign-in flow (cookies written before step-up existed carry no purpose).
  if ((purpose !== undefined && purpose !== "sign-in") || typeof token.next !== "string") return null;
  return { purpose: "sign-in", ...secrets, next: token.next };
}

/** Reads and clears the flow cookie (one use). */
export async function takeOidcFlowCookie(): Promise<AnyOidcFlowState | null> {
  const jar = await cookies();
  const raw = jar.get(oidcFlowCookieName())?.value;
  jar.delete({ name: oidcFlowCookieName(), ...cookieFlags() });
  if (!raw) return null;
  try {
    const token = await decode({ token: raw, secret: env().NEXTAUTH_SECRET });
    return token ? parseOidcFlow(token as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function setSessionTokenCookie(params: { userId: string; sessionId: string }) {
  const value = await encode({ token: { sub: params.userId, sid: params.sessionId }, secret: env().NEXTAUTH_SECRET, maxAge: SESSION_MAX_AGE_SECONDS });
  (await cookies()).set(sessionCookieName(), value, { ...cookieFlags(), maxAge: SESSION_MAX_AGE_SECONDS });
}
