import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";

describe("password policy", () => {
  it("accepts a long passphrase", () => {
    expect(passwordProblem("tulip-orbit-canvas-9", { email: "ada@example.com" })).toBeNull();
    expect(passwordProblem("Zq8#v!Lp2@rT")).toBeNull();
  });
  it("refuses short passwords with the minimum in words", () => {
    expect(passwordProblem("Sh0rt!pass")).toMatch(/at least 12 characters/);
  });
  it("refuses common, sequential and repeated passwords", () => {
    for (const weak of ["password1234", "Password1234", "123456789012", "qwertyuiopas", "aaaaaaaaaaaa", "abcabcabcabc", "abcdefghijklmn", "210987654321"])
      expect(passwordProblem(weak), weak).toMatch(/too common|easy to guess/);
  });
  it("refuses a password built from the account's email", () => {
    expect(passwordProblem("margaret-2026!", { email: "margaret@example.com" })).toMatch(/email/);
  });
  it("refuses leading or trailing spaces and absurd lengths", () => {
    expect(passwordProblem(" tulip-orbit-canvas")).toMatch(/spaces/);
    expect(passwordProblem("x".repeat(300))).toMatch(/at most/);
  });
});
