import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDummyHash, verifyPassword } from "./password-hashing";

describe("password hashing", () => {
  it("uses argon2id with OWASP's parameters and a random salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct horse battery");
  });

  it("verifies the right password only", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse batterY")).toBe(false);
    expect(await verifyPassword(stored, "")).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch instead of throwing", async () => {
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
    expect(await verifyPassword("", "anything")).toBe(false);
  });

  it("spends real hashing work on the dummy check and always says no", async () => {
    const started = performance.now();
    expect(await verifyAgainstDummyHash("opsdeck-dummy-password-for-timing")).toBe(false);
    expect(await verifyAgainstDummyHash("anything")).toBe(false);
    expect(performance.now() - started).toBeGreaterThan(5); // argon2id with 19 MiB is never instant
  });
});
