import { describe, expect, it } from "vitest";
import { requestOrigin } from "./request-origin";

const req = (host: string | null, url = "http://localhost:3000/api/auth/oidc/x") => ({
  headers: new Headers(host === null ? {} : { host }),
  nextUrl: new URL(url),
});

describe("the console's origin for redirects", () => {
  it("is the origin the browser used (its Host), not the 'localhost' Next reports for a loopback bind", () => {
    expect(requestOrigin(req("127.0.0.1:3210"), null)).toBe("http://127.0.0.1:3210");
    expect(requestOrigin(req("ops.example.com"), null)).toBe("http://ops.example.com");
    expect(requestOrigin(req("[::1]:3000"), null)).toBe("http://[::1]:3000");
  });

  it("falls back to Next's origin for a missing or malformed Host", () => {
    expect(requestOrigin(req(null), null)).toBe("http://localhost:3000");
    expect(requestOrigin(req("evil.example.com/path?x"), null)).toBe("http://localhost:3000");
    expect(requestOrigin(req("a b"), null)).toBe("http://localhost:3000");
  });

  it("is NEXTAUTH_URL's origin when set, whatever the Host says", () => {
    expect(requestOrigin(req("attacker.example"), "https://ops.example.com/console")).toBe("https://ops.example.com");
  });
});
