import { describe, expect, it } from "vitest";
import { REDACTED, redact } from "./redact";

describe("redact", () => {
  it("replaces values under secret-looking keys, case-insensitively and at any depth", () => {
    const input = {
      email: "a@example.com",
      Password: "hunter2",
      newPassword: "x",
      nested: { apiKey: "k", list: [{ AUTHORIZATION: "Bearer abc", keep: 1 }], sessionCookie: "c" },
      SECRET_KEY: "s",
      resetToken: "t",
      backupKeyId: "id-123",
    };
    expect(redact(input)).toEqual({
      email: "a@example.com",
      Password: REDACTED,
      newPassword: REDACTED,
      nested: { apiKey: REDACTED, list: [{ AUTHORIZATION: REDACTED, keep: 1 }], sessionCookie: REDACTED },
      SECRET_KEY: REDACTED,
      resetToken: REDACTED,
      backupKeyId: REDACTED,
    });
  });

  it("never lets a secret through by serialising it", () => {
    const out = JSON.stringify(redact({ a: { b: { c: { token: "very-secret-value" } } } }));
    expect(out).not.toContain("very-secret-value");
  });

  it("keeps plain values and drops undefined", () => {
    expect(redact({ n: 1, s: "x", b: false, u: undefined, z: null })).toEqual({ n: 1, s: "x", b: false, z: null });
  });
});
