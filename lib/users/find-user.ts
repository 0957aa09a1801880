import type { Prisma } from "../db/generated/client";
import { AppError } from "../errors/app-error";
import type { Role } from "../auth/policy";

export type ManagedUser = { id: string; email: string; role: Role; disabledAt: Date | null; passwordHash: string | null };

/** The user an admin action targets, read inside its transaction; NOT_FOUND when it is gone. */
export async function findUserForUpdate(tx: Prisma.TransactionClient, userId: string): Promise<ManagedUser> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, disabledAt: true, passwordHash: true } });
  if (!user) throw new AppError("NOT_FOUND", "That user no longer exists. Reload the page.");
  return user;
}
