/**
 * The console's public origin for a request: NEXTAUTH_URL when set (behind a proxy, set it), else the
 * origin the browser used — its Host header with the request's scheme. Next.js reports loopback hosts
 * in `nextUrl.origin` as "localhost", so a console opened at http://127.0.0.1:3000 would send an SSO
 * redirect back to localhost, where the browser's flow cookie is not. A Host that is not a plain
 * host[:port] falls back to `nextUrl.origin`; an IdP only accepts registered redirect URIs anyway.
 */
import { env } from "../config/env";

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

export function requestOrigin(request: { headers: Headers; nextUrl: URL }, configured: string | null = env().NEXTAUTH_URL ?? null): string {
  if (configured) return new URL(configured).origin;
  const host = request.headers.get("host");
  if (host && HOST.test(host)) return `${request.nextUrl.protocol}//${host}`;
  return request.nextUrl.origin;
}

/**
 * The same origin for a page (Server Component), from its request headers: NEXTAUTH_URL when set, else
 * the Host the browser used, over http (what the SSO routes send as redirect URI without NEXTAUTH_URL).
 */
export function pageOrigin(requestHeaders: Headers, configured: string | null = env().NEXTAUTH_URL ?? null): { origin: string; fromConfig: boolean } {
  if (configured) return { origin: new URL(configured).origin, fromConfig: true };
  const host = requestHeaders.get("host");
  return { origin: host && HOST.test(host) ? `http://${host}` : "http://localhost", fromConfig: false };
}
