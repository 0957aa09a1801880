import { describe, expect, it } from "vitest";
import { formatManualKey, generateTotpSecret, looksLikeTotpCode, totpCodeAt, totpStepAt, totpUri, verifyTotp, TOTP_PERIOD_SECONDS } from "./totp";

const at = (seconds: number) => new Date(seconds * 1000);
// The middle of a 30-second step, so ±1 step tolerance is exactly one step either side.
const T = 1_900_000_005;

describe("TOTP", () => {
  const secret = generateTotpSecret();

  it("makes 160-bit Base32 secrets and an otpauth URI authenticator apps read", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = totpUri(secret, "ada@example.com");
    expect(uri).toMatch(/^otpauth:\/\/totp\/Opsdeck:ada(%40|@)example\.com\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(formatManualKey("ABCDEFGHIJ")).toBe("ABCD EFGH IJ");
  });

  it("accepts the current code and returns its step", async () => {
    const code = await totpCodeAt(secret, at(T));
    expect(await verifyTotp({ secret, code, now: at(T) })).toEqual({ valid: true, step: totpStepAt(at(T)) });
  });

  it("accepts a code from one step before or after (clock drift), not two", async () => {
    for (const offset of [-1, 1]) {
      const code = await totpCodeAt(secret, at(T + offset * TOTP_PERIOD_SECONDS));
      expect((await verifyTotp({ secret, code, now: at(T) })).valid).toBe(true);
    }
    for (const offset of [-2, 2]) {
      const code = await totpCodeAt(secret, at(T + offset * TOTP_PERIOD_SECONDS));
      expect((await verifyTotp({ secret, code, now: at(T) })).valid).toBe(false);
    }
  });

  it("refuses a replayed code: same step as the last accepted one, still inside its window", async () => {
    const code = await totpCodeAt(secret, at(T));
    const first = await verifyTotp({ secret, code, now: at(T) });
    expect(first.valid).toBe(true);
    const lastStep = first.valid ? first.step : -1;
    expect((await verifyTotp({ secret, code, lastStep, now: at(T) })).valid).toBe(false);
    expect((await verifyTotp({ secret, code, lastStep, now: at(T + 20) })).valid).toBe(false); // 20 s later, still valid time-wise
    expect((await verifyTotp({ secret, code, lastStep: BigInt(lastStep), now: at(T) })).valid).toBe(false); // as stored (bigint)
  });

  it("refuses an older code once a newer step was accepted, but takes the next step's code", async () => {
    const lastStep = totpStepAt(at(T));
    const previous = await totpCodeAt(secret, at(T - TOTP_PERIOD_SECONDS));
    expect((await verifyTotp({ secret, code: previous, lastStep, now: at(T) })).valid).toBe(false);
    const next = await totpCodeAt(secret, at(T + TOTP_PERIOD_SECONDS));
    expect(await verifyTotp({ secret, code: next, lastStep, now: at(T + TOTP_PERIOD_SECONDS) })).toEqual({ valid: true, step: lastStep + 1 });
  });

  it("refuses wrong codes, other secrets and junk without throwing", async () => {
    const code = await totpCodeAt(secret, at(T));
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect((await verifyTotp({ secret, code: wrong, now: at(T) })).valid).toBe(false);
    expect((await verifyTotp({ secret: generateTotpSecret(), code, now: at(T) })).valid).toBe(false);
    for (const junk of ["", "12345", "1234567", "abcdef", "12 34 5x"]) expect((await verifyTotp({ secret, code: junk, now: at(T) })).valid).toBe(false);
    expect(await verifyTotp({ secret: "not base32!", code, now: at(T) })).toEqual({ valid: false });
  });

  it("tolerates spaces in a typed code", async () => {
    const code = await totpCodeAt(secret, at(T));
    expect((await verifyTotp({ secret, code: `${code.slice(0, 3)} ${code.slice(3)}`, now: at(T) })).valid).toBe(true);
    expect(looksLikeTotpCode(`${code.slice(0, 3)} ${code.slice(3)}`)).toBe(true);
    expect(looksLikeTotpCode("abcd-efgh-jkmn-pqrs")).toBe(false);
  });
});
