/**
 * The step between a correct password and the second factor. A challenge proves the password was right
 * for a few minutes (5 for a sign-in, 15 for enrolment: installing an authenticator app takes time),
 * counts wrong codes (the 5th burns it, so the password must be entered again) and is used once.
 * For enrolment it holds the offered TOTP secret (encrypted) until a code confirms it.
 */
import { randomUUID } from "node:crypto";
import { prisma } from "../db/prisma";
import { encryptMfaSecret } from "./mfa-secret-encryption";
import type { Role } from "./policy";
import { generateTotpSecret } from "./totp";

export const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const ENROLMENT_CHALLENGE_TTL_MS = 15 * 60 * 1000;
export const MAX_FAILED_CODES = 5;

export async function createMfaChallenge(params: { userId: string; enrol: boolean; now?: Date }): Promise<{ id: string; expiresAt: Date }> {
  const now = params.now ?? new Date();
  return prisma().mfaChallenge.create({
    data: {
      id: randomUUID(),
      userId: params.userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (params.enrol ? ENROLMENT_CHALLENGE_TTL_MS : SIGN_IN_CHALLENGE_TTL_MS)),
      pendingSecret: params.enrol ? encryptMfaSecret(generateTotpSecret()) : null,
    },
    select: { id: true, expiresAt: true },
  });
}

export type ChallengeUser = {
  id: string;
  email: string;
  role: Role;
  disabledAt: Date | null;
  mfaSecret: string | null;
  mfaEnabledAt: Date | null;
  mfaLastStep: bigint | null;
};

export type LoadedChallenge = {
  id: string;
  usable: boolean;
  expiresAt: Date;
  pendingSecret: string | null;
  mfaVerifiedAt: Date | null;
  failedCodes: number;
  user: ChallengeUser;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadMfaChallenge(id: string | null | undefined, now: Date = new Date()): Promise<LoadedChallenge | null> {
  if (!id || !UUID.test(id)) return null;
  const row = await prisma().mfaChallenge.findUnique({
    where: { id },
    select: {
      id: true,
      expiresAt: true,
      usedAt: true,
      pendingSecret: true,
      mfaVerifiedAt: true,
      failedCodes: true,
      user: { select: { id: true, email: true, role: true, disabledAt: true, mfaSecret: true, mfaEnabledAt: true, mfaLastStep: true } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    usable: !row.usedAt && row.expiresAt > now && row.failedCodes < MAX_FAILED_CODES,
    expiresAt: row.expiresAt,
    pendingSecret: row.pendingSecret,
    mfaVerifiedAt: row.mfaVerifiedAt,
    failedCodes: row.failedCodes,
    user: row.user,
  };
}

/** Counts a wrong code; the MAX_FAILED_CODES-th one ends the challenge. */
export async function recordWrongCode(challengeId: string, now: Date = new Date()) {
  const updated = await prisma().mfaChallenge.update({ where: { id: challengeId }, data: { failedCodes: { increment: 1 } }, select: { failedCodes: true } });
  if (updated.failedCodes >= MAX_FAILED_CODES) await prisma().mfaChallenge.updateMany({ where: { id: challengeId, usedAt: null }, data: { usedAt: now } });
}
