/**
 * TOTP secrets are stored encrypted (AES-256-GCM). The key is derived with HKDF-SHA256 from the session
 * secret (env().NEXTAUTH_SECRET), so a database dump alone does not reveal anyone's second factor.
 * Format: "v1.<iv>.<tag>.<ciphertext>" (base64url). Changing NEXTAUTH_SECRET makes stored secrets
 * unreadable: users then need an MFA reset (Admin → Users, or the CLI).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "../config/env";
import { AppError } from "../errors/app-error";

const VERSION = "v1";
const INFO = "opsdeck/mfa-secret/v1";
const SALT = "opsdeck-mfa-secret-encryption";

let cached: { secret: string; key: Buffer } | undefined;

function key(): Buffer {
  const secret = env().NEXTAUTH_SECRET;
  if (cached?.secret !== secret) cached = { secret, key: Buffer.from(hkdfSync("sha256", secret, SALT, INFO, 32)) };
  return cached.key;
}

export function encryptMfaSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptMfaSecret(stored: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new AppError("INTERNAL", "The stored MFA secret is unreadable.", { logDetail: "unknown MFA secret format" });
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new AppError("INTERNAL", "The stored MFA secret is unreadable.", {
      logDetail: "MFA secret could not be decrypted: was NEXTAUTH_SECRET changed? The user needs an MFA reset.",
      cause: error,
    });
  }
}
