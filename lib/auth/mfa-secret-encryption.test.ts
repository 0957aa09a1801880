import { beforeEach, describe, expect, it } from "vitest";
import { publishRuntimeEnv } from "../config/env";
import { isAppError } from "../errors/app-error";
import { decryptMfaSecret, encryptMfaSecret } from "./mfa-secret-encryption";

const useSecret = (secret: string) =>
  publishRuntimeEnv({ DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/db", NEXTAUTH_SECRET: secret, OPSDECK_EMBEDDED_DB: "0", OPSDECK_DATA_DIR: "/tmp/opsdeck-unit" });

describe("MFA secret encryption at rest", () => {
  beforeEach(() => useSecret("a".repeat(48)));

  it("round-trips, with a fresh IV each time, never storing the plain secret", () => {
    const plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const a = encryptMfaSecret(plain);
    const b = encryptMfaSecret(plain);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(plain);
    expect(decryptMfaSecret(a)).toBe(plain);
  });

  it("detects tampering (GCM tag)", () => {
    const stored = encryptMfaSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    const [v, iv, tag, body] = stored.split(".");
    const flipped = body!.startsWith("A") ? `B${body!.slice(1)}` : `A${body!.slice(1)}`;
    expect(() => decryptMfaSecret([v, iv, tag, flipped].join("."))).toThrow();
  });

  it("cannot be read with another session secret, and says what happened in the log detail", () => {
    const stored = encryptMfaSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    useSecret("b".repeat(48));
    const error = (() => {
      try {
        decryptMfaSecret(stored);
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(error) && error.logDetail).toMatch(/NEXTAUTH_SECRET/);
  });
});
