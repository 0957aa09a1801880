/**
 * The audit retention policy: how many days rows are kept before the nightly job archives and
 * removes them. Stored in `settings` under `audit.retention` as `{ "days": n }`.
 * Default 365 days (the runbooks' minimum; 7 years = 2557 days where HIPAA applies); never below 30.
 */
import type pg from "pg";
import { z } from "zod";
import { pool } from "../db/pool";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";

export const RETENTION_SETTING_KEY = "audit.retention";
export const DEFAULT_RETENTION_DAYS = 365;
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 36_500;

export const retentionDaysSchema = z.coerce
  .number({ message: "Enter the number of days to keep audit entries." })
  .int({ message: "Enter a whole number of days." })
  .min(MIN_RETENTION_DAYS, { message: `Keep audit entries at least ${MIN_RETENTION_DAYS} days (365 or more is recommended; 2557 for 7 years).` })
  .max(MAX_RETENTION_DAYS, { message: `At most ${MAX_RETENTION_DAYS} days (100 years).` });

export const retentionPolicyInputSchema = z.object({ days: retentionDaysSchema });

export type RetentionPolicy = { days: number; isDefault: boolean; updatedAt: string | null };

type Queryable = Pick<pg.ClientBase, "query">;

export async function getRetentionPolicy(db: Queryable = pool()): Promise<RetentionPolicy> {
  const result = await db.query<{ value: unknown; updated_at: Date }>("select value, updated_at from settings where key = $1", [RETENTION_SETTING_KEY]);
  const row = result.rows[0];
  if (!row) return { days: DEFAULT_RETENTION_DAYS, isDefault: true, updatedAt: null };
  const parsed = retentionPolicyInputSchema.safeParse(row.value);
  if (!parsed.success) {
    // Keeping more is the safe side of a bad value: fall back to the default rather than purge early.
    log.warn(`The stored audit retention policy is not valid; using the default of ${DEFAULT_RETENTION_DAYS} days`, { value: row.value });
    return { days: DEFAULT_RETENTION_DAYS, isDefault: true, updatedAt: row.updated_at.toISOString() };
  }
  return { days: parsed.data.days, isDefault: false, updatedAt: row.updated_at.toISOString() };
}

/** Validates and stores the policy. Callers authorize (`settings.manage`) and audit it. */
export async function setRetentionPolicy(days: unknown, db: Queryable = pool()): Promise<RetentionPolicy> {
  const parsed = retentionDaysSchema.safeParse(days);
  if (!parsed.success) throw new AppError("INVALID_INPUT", parsed.error.issues[0]?.message ?? "The retention policy is not valid.");
  const result = await db.query<{ updated_at: Date }>(
    `insert into settings (key, value, updated_at) values ($1, $2::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = now() returning updated_at`,
    [RETENTION_SETTING_KEY, JSON.stringify({ days: parsed.data })],
  );
  return { days: parsed.data, isDefault: false, updatedAt: result.rows[0]!.updated_at.toISOString() };
}
