import { describe, expect, it } from "vitest";
import { generateRecoveryCode, hashRecoveryCode, looksLikeRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes";

describe("recovery codes", () => {
  it("are four groups of four unambiguous characters (~79 bits)", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateRecoveryCode();
      expect(code).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
      expect(code).not.toMatch(/[01ilo]/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
    }
  });

  it("do not repeat", () => {
    const codes = new Set(Array.from({ length: 5000 }, generateRecoveryCode));
    expect(codes.size).toBe(5000);
    expect(RECOVERY_CODE_COUNT).toBe(10);
  });

  it("hash the same however they are typed, and differently from each other", () => {
    const code = "abcd-efgh-jkmn-pqrs";
    expect(normalizeRecoveryCode(" ABCD efgh-JKMN pqrs ")).toBe("abcdefghjkmnpqrs");
    expect(hashRecoveryCode("ABCD EFGH JKMN PQRS")).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(code)).not.toContain("abcd");
    expect(hashRecoveryCode("abcd-efgh-jkmn-pqrt")).not.toBe(hashRecoveryCode(code));
  });

  it("reject what cannot be a code before touching the database", () => {
    for (const bad of ["", "123456", "abcd-efgh-jkmn", "abcd-efgh-jkmn-pqrs-tuvw", "abcd-efgh-jkmn-pqr0"]) expect(looksLikeRecoveryCode(bad)).toBe(false);
  });
});
