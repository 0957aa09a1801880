import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isHttps, newNonce, securityHeaders } from "./security-headers";

describe("security headers", () => {
  it("production CSP: nonce scripts only, no unsafe-eval, no framing", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", dev: false, https: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("development allows eval (React's dev tooling) and the HMR socket", () => {
    const csp = contentSecurityPolicy({ nonce: "n", dev: true, https: false });
    expect(csp).toMatch(/script-src[^;]*'unsafe-eval'/);
    expect(csp).toMatch(/connect-src 'self' ws:/);
  });

  it("HSTS and upgrade-insecure-requests only over https", () => {
    expect(securityHeaders({ nonce: "n", dev: false, https: false })).not.toHaveProperty("Strict-Transport-Security");
    const https = securityHeaders({ nonce: "n", dev: false, https: true });
    expect(https["Strict-Transport-Security"]).toMatch(/max-age=\d{8}/);
    expect(https["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });

  it("always sends the fixed headers", () => {
    expect(securityHeaders({ nonce: "n", dev: false, https: false })).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
    });
  });

  it("knows https from the request, the reverse proxy or NEXTAUTH_URL", () => {
    expect(isHttps({ requestProtocol: "http:", forwardedProto: null, publicUrl: undefined })).toBe(false);
    expect(isHttps({ requestProtocol: "https:", forwardedProto: null, publicUrl: undefined })).toBe(true);
    expect(isHttps({ requestProtocol: "http:", forwardedProto: "https", publicUrl: undefined })).toBe(true);
    expect(isHttps({ requestProtocol: "http:", forwardedProto: "http", publicUrl: "https://ops.example.com" })).toBe(true);
  });

  it("makes a new unguessable nonce per call", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});
