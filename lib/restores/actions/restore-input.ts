/** Zod inputs shared by the restore actions (forms send strings: "on"/"true" are booleans). */
import { z } from "zod";

export const serviceInput = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Choose a service.");
export const backupIdInput = z.string().min(1, "Choose a backup.").max(300);
export const flag = z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean());
const optionalText = (max: number) => z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().trim().max(max).optional());
const databaseName = z.string().min(1).max(63).regex(/^[^\0]+$/);

/** What the wizard's choose/preflight steps send. */
export const restoreChoiceFields = {
  service: serviceInput,
  backupId: backupIdInput,
  dropAndReplace: flag.default(false),
  databases: z.preprocess((v) => (v === "" || v === undefined ? undefined : Array.isArray(v) ? v : [v]), z.array(databaseName).max(50).optional()),
  intoDatabase: z.preprocess((v) => (v === "" ? undefined : v), databaseName.optional()),
  acceptDatabaseMismatch: flag.default(false),
};

/** The confirm step: the service name typed again, and a reason. */
export const confirmFields = {
  confirmService: z.string().trim().min(1, "Type the service name to confirm."),
  reason: optionalText(500).refine((v) => v !== undefined && v.length >= 3, "Give a reason (at least 3 characters)."),
};

export function choicesOf(input: { dropAndReplace: boolean; databases?: string[]; intoDatabase?: string; acceptDatabaseMismatch: boolean }) {
  return {
    dropAndReplace: input.dropAndReplace,
    ...(input.databases?.length ? { databases: input.databases } : {}),
    ...(input.intoDatabase ? { intoDatabase: input.intoDatabase } : {}),
    acceptDatabaseMismatch: input.acceptDatabaseMismatch,
  };
}
