/**
 * Cookie names and flags for the session and the sign-in challenge: httpOnly, SameSite=Lax, and Secure
 * (with the __Secure- prefix) when the console's public URL (NEXTAUTH_URL) is https.
 */
import { env } from "../config/env";

export function secureCookiesEnabled(): boolean {
  return env().NEXTAUTH_URL?.startsWith("https://") ?? false;
}

export function sessionCookieName(): string {
  return `${secureCookiesEnabled() ? "__Secure-" : ""}opsdeck.session-token`;
}

export function challengeCookieName(): string {
  return `${secureCookiesEnabled() ? "__Secure-" : ""}opsdeck.mfa-challenge`;
}

export function cookieFlags() {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookiesEnabled() };
}
