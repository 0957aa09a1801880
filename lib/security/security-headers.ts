/**
 * Security headers for every response (set by proxy.ts). The Content-Security-Policy allows scripts only
 * with this response's nonce ('strict-dynamic' lets them load Next.js chunks); no 'unsafe-eval' outside
 * development. Styles allow 'unsafe-inline' (React style attributes). HSTS and upgrade-insecure-requests
 * only when the console is reached over https.
 */
export function contentSecurityPolicy(params: { nonce: string; dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${params.nonce}' 'strict-dynamic'${params.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${params.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    ...(params.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export function securityHeaders(params: { nonce: string; dev: boolean; https: boolean }): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(params),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    // same-origin, not no-referrer: no other site learns where a visitor came from, but a form posted before
    // the page hydrates still carries `Origin` (no-referrer makes it "null"), which Next.js checks on
    // every server action; without it the user got "Internal Server Error".
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ...(params.https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** Served over https: the request itself, the reverse proxy's X-Forwarded-Proto, or an https NEXTAUTH_URL. */
export function isHttps(params: { requestProtocol: string; forwardedProto: string | null; publicUrl: string | undefined }): boolean {
  if (params.requestProtocol === "https:") return true;
  if (params.forwardedProto?.split(",")[0]?.trim().toLowerCase() === "https") return true;
  return params.publicUrl?.startsWith("https://") ?? false;
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
