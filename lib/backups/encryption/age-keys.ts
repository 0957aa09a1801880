/**
 * The age keys backups are encrypted with, from BACKUP_AGE_IDENTITY_FILE (an `age-keygen` file) or
 * BACKUP_AGE_IDENTITY (the AGE-SECRET-KEY-1… text itself), plus extra public recipients from
 * BACKUP_AGE_RECIPIENTS (e.g. an offline escrow key that only a person holds).
 *
 * The first identity is the current key: new backups are encrypted to its public key (and to the
 * extra recipients). Every identity is tried when decrypting, so after a key rotation keep the old
 * identity below the new one in the file. A key is named by its id — `age:` and the first 16 hex
 * digits of the sha256 of its public key — in manifests, logs and the UI; secret keys never leave here.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { identityToRecipient } from "age-encryption";
import { backupEnv, type BackupEnv } from "../../config/env";
import { AppError } from "../../errors/app-error";

export type BackupKeys = {
  /** Public keys new backups are encrypted to (the current identity's first). */
  recipients: string[];
  /** Secret keys that may decrypt (never logged or shown). */
  identities: string[];
  /** Id of the current key, or null when encryption is not configured. */
  keyId: string | null;
};

const IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;
const RECIPIENT = /^age1[0-9a-z]+$/;

export function keyIdOf(recipient: string): string {
  return `age:${createHash("sha256").update(recipient).digest("hex").slice(0, 16)}`;
}

function parseIdentities(text: string, where: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (!IDENTITY.test(line)) throw new AppError("CONFIG_INVALID", `${where} holds a line that is not an age identity (AGE-SECRET-KEY-1…).`);
    out.push(line);
  }
  return out;
}

/** Reads the configured keys; an empty result means backups are not encrypted. */
export async function loadBackupKeys(env: BackupEnv = backupEnv()): Promise<BackupKeys> {
  const identities: string[] = [];
  if (env.BACKUP_AGE_IDENTITY_FILE) {
    let text: string;
    try {
      text = await readFile(env.BACKUP_AGE_IDENTITY_FILE, "utf8");
    } catch (error) {
      throw new AppError("CONFIG_INVALID", `The backup key file named by BACKUP_AGE_IDENTITY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    }
    identities.push(...parseIdentities(text, "BACKUP_AGE_IDENTITY_FILE"));
  }
  if (env.BACKUP_AGE_IDENTITY) identities.push(...parseIdentities(env.BACKUP_AGE_IDENTITY.replace(/,/g, "\n"), "BACKUP_AGE_IDENTITY"));
  const extra = (env.BACKUP_AGE_RECIPIENTS ?? "")
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of extra) if (!RECIPIENT.test(r)) throw new AppError("CONFIG_INVALID", "BACKUP_AGE_RECIPIENTS holds a value that is not an age public key (age1…).");
  const recipients: string[] = [];
  if (identities.length > 0) recipients.push(await identityToRecipient(identities[0]!));
  for (const r of extra) if (!recipients.includes(r)) recipients.push(r);
  return { recipients, identities, keyId: recipients[0] ? keyIdOf(recipients[0]) : null };
}
