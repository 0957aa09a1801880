/**
 * Password hashing with argon2id (@node-rs/argon2), OWASP's recommended parameters:
 * 19 MiB memory, 2 passes, 1 lane. The PHC string carries its parameters, so old hashes keep verifying
 * if these change.
 */
import { hash, verify } from "@node-rs/argon2";

const ARGON2ID = 2; // Algorithm.Argon2id (an ambient const enum, which isolatedModules cannot reference)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** False for a wrong password and for a malformed stored hash (never throws on user input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification when there is no hash to check (unknown email, account
 * without a password), so response time does not tell whether an account exists. Always false.
 */
export async function verifyAgainstDummyHash(password: string): Promise<false> {
  dummyHash ??= hashPassword("opsdeck-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
  return false;
}
