/**
 * One-time setup links: the first admin's link (printed at start), invitations and password-reset links.
 * The token (32 random bytes, base64url) is only ever shown once; the database keeps its SHA-256.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "../db/generated/client";
import { prisma } from "../db/prisma";
import type { Role } from "./policy";

export type SetupPurpose = "first-admin" | "invite" | "reset";

export const FIRST_ADMIN_LINK_TTL_MS = 30 * 60 * 1000;
export const INVITE_LINK_TTL_MS = 72 * 60 * 60 * 1000;

export function hashSetupToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function setupUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/setup/${token}`;
}

export async function createSetupToken(
  params: { purpose: SetupPurpose; email?: string | null; role?: Role | null; ttlMs: number; now?: Date },
  tx: Prisma.TransactionClient = prisma(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const now = params.now ?? new Date();
  const expiresAt = new Date(now.getTime() + params.ttlMs);
  await tx.setupToken.create({
    data: { tokenHash: hashSetupToken(token), purpose: params.purpose, email: params.email ?? null, role: params.role ?? null, createdAt: now, expiresAt },
    select: { id: true },
  });
  return { token, expiresAt };
}

export type SetupTokenView = { id: string; purpose: SetupPurpose; email: string | null; role: Role | null; expiresAt: Date };
export type SetupTokenLookup = { state: "usable"; token: SetupTokenView } | { state: "expired" | "used" | "unknown" };

/** What a setup link is now. Read-only: completing the setup consumes the token in its own transaction. */
export async function lookUpSetupToken(token: string, now: Date = new Date()): Promise<SetupTokenLookup> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: "unknown" };
  const row = await prisma().setupToken.findUnique({
    where: { tokenHash: hashSetupToken(token) },
    select: { id: true, purpose: true, email: true, role: true, expiresAt: true, usedAt: true },
  });
  if (!row) return { state: "unknown" };
  if (row.usedAt) return { state: "used" };
  if (row.expiresAt <= now) return { state: "expired" };
  return { state: "usable", token: { id: row.id, purpose: row.purpose as SetupPurpose, email: row.email, role: row.role, expiresAt: row.expiresAt } };
}
