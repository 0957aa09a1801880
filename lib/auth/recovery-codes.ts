/**
 * MFA recovery codes: 10 per user, shown once, stored as SHA-256 (each code carries ~79 random bits,
 * so a fast hash is enough: a leaked table cannot be brute-forced). Each works once.
 */
import { createHash, randomInt } from "node:crypto";
import type { Prisma } from "../db/generated/client";
import { prisma } from "../db/prisma";

export const RECOVERY_CODE_COUNT = 10;
// 31 symbols, none that read alike (no 0/o, 1/l/i).
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const GROUPS = 4;
const GROUP_LENGTH = 4;

export function generateRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = "";
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

/** Lower-case, without spaces or dashes: "ABCD-efgh ijkl-mnpq" and "abcdefghijklmnpq" are the same code. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

export function looksLikeRecoveryCode(code: string): boolean {
  const normalized = normalizeRecoveryCode(code);
  return normalized.length === GROUPS * GROUP_LENGTH && [...normalized].every((c) => ALPHABET.includes(c));
}

export function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(`opsdeck-recovery-code:${normalizeRecoveryCode(code)}`).digest("hex");
}

/** Replaces every recovery code of the user with 10 new ones; returns them in plain text (show once). */
export async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })) });
  return codes;
}

/**
 * Marks the matching unused code as used. True only for the one caller that flips it (two concurrent
 * sign-ins with the same code: one wins).
 */
export async function consumeRecoveryCode(userId: string, code: string, now: Date = new Date()): Promise<boolean> {
  if (!looksLikeRecoveryCode(code)) return false;
  const { count } = await prisma().recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: now },
  });
  return count === 1;
}

export async function remainingRecoveryCodes(userId: string): Promise<number> {
  return prisma().recoveryCode.count({ where: { userId, usedAt: null } });
}
