/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps — what every authenticator app speaks), via otplib v13.
 * A code is accepted for the current step and one step either side (clock drift), and never for a step
 * at or before the last one accepted for the account: a code cannot be replayed within its window.
 */
import { generate, generateSecret, generateURI, verify } from "otplib";

export const TOTP_PERIOD_SECONDS = 30;
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS; // ± one step

export const TOTP_ISSUER = "Opsdeck";

/** A new random secret: 20 bytes (160 bits), Base32 as authenticator apps expect. */
export function generateTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** otpauth:// URI for the QR code. */
export function totpUri(secret: string, accountEmail: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountEmail, secret, period: TOTP_PERIOD_SECONDS });
}

/** The Base32 secret in groups of four, easier to type into an app by hand. */
export function formatManualKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

export function normalizeTotpCode(code: string): string {
  return code.replace(/[\s-]/g, "");
}

export function looksLikeTotpCode(code: string): boolean {
  return /^\d{6}$/.test(normalizeTotpCode(code));
}

export type TotpCheck = { valid: true; step: number } | { valid: false };

/**
 * Checks a code against a secret. `lastStep` is the last step accepted for this secret: codes for that
 * step or earlier are refused. On success returns the matched step, which the caller must store.
 */
export async function verifyTotp(params: { secret: string; code: string; lastStep?: number | bigint | null; now?: Date }): Promise<TotpCheck> {
  const token = normalizeTotpCode(params.code);
  if (!/^\d{6}$/.test(token)) return { valid: false };
  const epoch = Math.floor((params.now ?? new Date()).getTime() / 1000);
  try {
    const result = await verify({
      secret: params.secret,
      token,
      epoch,
      period: TOTP_PERIOD_SECONDS,
      epochTolerance: TOLERANCE_SECONDS,
      ...(params.lastStep == null ? {} : { afterTimeStep: Number(params.lastStep) }),
    });
    // The functional API's result type covers HOTP too; a TOTP match carries its time step.
    return result.valid && "timeStep" in result ? { valid: true, step: result.timeStep } : { valid: false };
  } catch {
    return { valid: false };
  }
}

/** The code an authenticator shows at `now` (tests, and the e2e helper). */
export async function totpCodeAt(secret: string, now: Date = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000), period: TOTP_PERIOD_SECONDS });
}

export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}
