/**
 * The last enabled admin cannot be demoted, disabled or deleted: nobody could manage users afterwards.
 * Call inside withUserAdministrationLock.
 */
import type { Prisma } from "../db/generated/client";
import { AppError } from "../errors/app-error";

export type AdminRemoval = "demote" | "disable" | "delete";

const VERB: Record<AdminRemoval, string> = { demote: "changing their role", disable: "disabling them", delete: "deleting them" };

export async function assertNotLastEnabledAdmin(tx: Prisma.TransactionClient, target: { id: string; email: string; role: string; disabledAt: Date | null }, change: AdminRemoval) {
  if (target.role !== "admin" || target.disabledAt) return;
  const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: target.id } } });
  if (others === 0)
    throw new AppError(
      "CONFLICT",
      `${target.email} is the last enabled admin: ${VERB[change]} would leave nobody able to manage users. Make another user an admin first.`,
    );
}
