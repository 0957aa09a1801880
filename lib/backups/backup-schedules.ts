/**
 * Backup schedules: a cron expression (and time zone) per service, stored in Postgres and registered
 * with pg-boss (`backup-run` queue, one pg-boss schedule per row, keyed by its id), so with several
 * console replicas each occurrence runs once. Expressions are checked with cron-parser, the parser
 * pg-boss itself evaluates them with, and must not fire more than every 5 minutes.
 */
import { randomUUID } from "node:crypto";
import { CronExpressionParser } from "cron-parser";
import { pool } from "../db/pool";
import { AppError } from "../errors/app-error";
import { assertStackAndService } from "./backup-paths";

export type BackupSchedule = { id: string; stack: string; service: string; cron: string; tz: string; enabled: boolean; createdByEmail: string | null; createdAt: Date; updatedAt: Date };

const COLUMNS = `id, stack, service, cron, tz, enabled, created_by_email as "createdByEmail", created_at as "createdAt", updated_at as "updatedAt"`;

/** The next `count` occurrences; throws INVALID_INPUT naming the problem. */
export function nextOccurrences(cron: string, tz = "UTC", count = 3, from = new Date()): Date[] {
  if (!/^\S+( \S+){4}$/.test(cron.trim())) throw new AppError("INVALID_INPUT", "A schedule is a five-field cron expression (minute hour day-of-month month day-of-week), e.g. 0 2 * * * for 02:00 daily.");
  try {
    const it = CronExpressionParser.parse(cron.trim(), { tz, currentDate: from });
    return Array.from({ length: count }, () => it.next().toDate());
  } catch (error) {
    throw new AppError("INVALID_INPUT", `That cron expression is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function assertReasonableCron(cron: string, tz: string): void {
  const [a, b, c] = nextOccurrences(cron, tz, 3);
  if (b!.getTime() - a!.getTime() < 5 * 60_000 || c!.getTime() - b!.getTime() < 5 * 60_000) {
    throw new AppError("INVALID_INPUT", "Backups can be scheduled at most every 5 minutes.");
  }
}

export async function listSchedules(filter: { stack?: string; service?: string } = {}): Promise<BackupSchedule[]> {
  const { rows } = await pool().query<BackupSchedule>(
    `select ${COLUMNS} from backup_schedules where ($1::text is null or stack = $1) and ($2::text is null or service = $2) order by stack, service, cron`,
    [filter.stack ?? null, filter.service ?? null],
  );
  return rows;
}

export async function getSchedule(id: string): Promise<BackupSchedule | null> {
  const { rows } = await pool().query<BackupSchedule>(`select ${COLUMNS} from backup_schedules where id = $1`, [id]);
  return rows[0] ?? null;
}

export async function createSchedule(input: { stack: string; service: string; cron: string; tz?: string; enabled?: boolean; createdByEmail?: string | null }): Promise<BackupSchedule> {
  assertStackAndService(input.stack, input.service);
  const tz = input.tz ?? "UTC";
  assertReasonableCron(input.cron, tz);
  try {
    const { rows } = await pool().query<BackupSchedule>(
      `insert into backup_schedules (id, stack, service, cron, tz, enabled, created_by_email) values ($1,$2,$3,$4,$5,$6,$7) returning ${COLUMNS}`,
      [randomUUID(), input.stack, input.service, input.cron.trim(), tz, input.enabled ?? true, input.createdByEmail ?? null],
    );
    return rows[0]!;
  } catch (error) {
    if ((error as { code?: string }).code === "23505") throw new AppError("CONFLICT", `${input.service} already has the schedule "${input.cron}".`);
    throw error;
  }
}

export async function updateSchedule(id: string, change: { cron?: string; tz?: string; enabled?: boolean }): Promise<BackupSchedule> {
  const current = await getSchedule(id);
  if (!current) throw new AppError("NOT_FOUND", "That schedule does not exist.");
  const cron = change.cron?.trim() ?? current.cron;
  const tz = change.tz ?? current.tz;
  assertReasonableCron(cron, tz);
  const { rows } = await pool().query<BackupSchedule>(
    `update backup_schedules set cron = $2, tz = $3, enabled = $4, updated_at = now() where id = $1 returning ${COLUMNS}`,
    [id, cron, tz, change.enabled ?? current.enabled],
  );
  return rows[0]!;
}

export async function deleteSchedule(id: string): Promise<BackupSchedule> {
  const { rows } = await pool().query<BackupSchedule>(`delete from backup_schedules where id = $1 returning ${COLUMNS}`, [id]);
  if (!rows[0]) throw new AppError("NOT_FOUND", "That schedule does not exist.");
  return rows[0];
}
