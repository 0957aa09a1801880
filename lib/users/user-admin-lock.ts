/**
 * Changes that could leave the console without an enabled admin (demote, disable, delete, first-admin
 * setup) run in a transaction holding this advisory lock, so two of them cannot interleave.
 */
import type { Prisma } from "../db/generated/client";
import { prisma } from "../db/prisma";

const USER_ADMINISTRATION_LOCK = 7_261_127;

export async function withUserAdministrationLock<T>(run: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(${USER_ADMINISTRATION_LOCK}::bigint)`;
    return run(tx);
  });
}
