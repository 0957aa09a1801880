/**
 * Runs before every request. It is NOT the authorization (invariant 2: every page, action and route
 * handler checks the session itself). It sets the security headers on every response, a fresh CSP
 * nonce per request (Next.js puts it on its scripts), and tells pages which path was requested so the
 * sign-in page can bring the person back.
 */
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/config/env";
import { REQUESTED_PATH_HEADER } from "@/lib/auth/require-actor-header";
import { isHttps, newNonce, securityHeaders } from "@/lib/security/security-headers";

function runtime(): { dev: boolean; publicUrl: string | undefined } {
  try {
    const e = env();
    return { dev: e.NODE_ENV === "development", publicUrl: e.NEXTAUTH_URL };
  } catch {
    return { dev: false, publicUrl: undefined };
  }
}

export function proxy(request: NextRequest) {
  const { dev, publicUrl } = runtime();
  const nonce = newNonce();
  const https = isHttps({ requestProtocol: request.nextUrl.protocol, forwardedProto: request.headers.get("x-forwarded-proto"), publicUrl });
  const headers = securityHeaders({ nonce, dev, https });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
