/**
 * Accounts and request contexts for identity integration tests (after useMigratedTestDatabase).
 */
import type { ActionContext, Actor } from "../lib/actions/action-context";
import { encryptMfaSecret } from "../lib/auth/mfa-secret-encryption";
import { hashPassword } from "../lib/auth/password-hashing";
import type { Role } from "../lib/auth/policy";
import { generateTotpSecret, totpCodeAt, TOTP_PERIOD_SECONDS } from "../lib/auth/totp";
import { prisma } from "../lib/db/prisma";

export const PASSWORD = "tulip-orbit-canvas-42";

let counter = 0;
export const uniqueEmail = (prefix = "user") => `${prefix}-${Date.now().toString(36)}-${++counter}@example.com`;

export type TestUser = { id: string; email: string; role: Role; totpSecret: string | null };

/** A user with a password and (unless mfa: false) an enrolled authenticator. */
export async function createTestUser(options: { email?: string; role?: Role; password?: string | null; mfa?: boolean; disabled?: boolean } = {}): Promise<TestUser> {
  const email = options.email ?? uniqueEmail(options.role ?? "viewer");
  const role = options.role ?? "viewer";
  const totpSecret = options.mfa === false ? null : generateTotpSecret();
  const user = await prisma().user.create({
    data: {
      email,
      role,
      passwordHash: options.password === null ? null : await hashPassword(options.password ?? PASSWORD),
      mfaSecret: totpSecret ? encryptMfaSecret(totpSecret) : null,
      mfaEnabledAt: totpSecret ? new Date() : null,
      disabledAt: options.disabled ? new Date() : null,
    },
    select: { id: true },
  });
  return { id: user.id, email, role, totpSecret };
}

/** The current TOTP code, or (step: -1) the previous step's, still inside the accepted window. */
export async function currentCode(secret: string, step = 0): Promise<string> {
  return totpCodeAt(secret, new Date(Date.now() + step * TOTP_PERIOD_SECONDS * 1000));
}

export function contextFor(actor: Actor | null, ip = "198.51.100.7"): ActionContext {
  return { actor, ip, userAgent: "vitest", requestId: `req-${++counter}` };
}

export function anonymous(ip = "198.51.100.7"): ActionContext {
  return contextFor(null, ip);
}

/** An actor as getCurrentActor would resolve it, with a real UserSession row. */
export async function signedInActor(user: TestUser): Promise<Actor> {
  const now = new Date();
  const session = await prisma().userSession.create({
    data: { userId: user.id, expiresAt: new Date(now.getTime() + 3_600_000), mfaAt: now, ip: "198.51.100.7", userAgent: "vitest" },
    select: { id: true },
  });
  return { userId: user.id, email: user.email, role: user.role, sessionId: session.id, mfaAt: now };
}
