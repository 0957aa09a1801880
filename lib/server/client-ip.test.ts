import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

describe("clientIp", () => {
  it("ignores X-Forwarded-For when no proxy is trusted (a client cannot spoof its address)", () => {
    expect(clientIp("203.0.113.7", "1.2.3.4", 0)).toBe("203.0.113.7");
  });
  it("takes the entry the trusted proxy appended, not the client-supplied first one", () => {
    expect(clientIp("10.0.0.2", "6.6.6.6, 198.51.100.4", 1)).toBe("198.51.100.4");
    expect(clientIp("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.9", 2)).toBe("198.51.100.4");
  });
  it("unwraps IPv4-mapped IPv6 and rejects garbage", () => {
    expect(clientIp("::ffff:127.0.0.1", undefined, 0)).toBe("127.0.0.1");
    expect(clientIp("10.0.0.2", "<script>", 1)).toBe("10.0.0.2");
  });
});
