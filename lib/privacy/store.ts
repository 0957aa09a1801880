/** Privacy check results in Postgres (table privacy_check_results; one row per check per stack per pass). */
import { randomUUID } from "node:crypto";
import { pool } from "../db/pool";
import type { CheckKey, CheckStatus } from "./types";

export type CheckResultRow = {
  id: string;
  runId: string;
  stack: string;
  checkKey: CheckKey;
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  previousStatus: CheckStatus | null;
  flipped: boolean;
  trigger: "user" | "schedule";
  requestedByEmail: string | null;
  auditCorrelationId: string | null;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
};

const COLUMNS = `id, run_id as "runId", stack, check_key as "checkKey", status, summary, evidence, previous_status as "previousStatus", flipped,
  trigger, requested_by_email as "requestedByEmail", audit_correlation_id as "auditCorrelationId", started_at as "startedAt",
  finished_at as "finishedAt", duration_ms as "durationMs"`;

export type NewCheckResult = Omit<CheckResultRow, "id" | "previousStatus" | "flipped">;

/**
 * Inserts one result with the previous result's status of the same check (and whether it flipped from
 * pass), under a transaction-scoped advisory lock per stack+check so two passes at once still order.
 */
export async function insertCheckResult(row: NewCheckResult): Promise<CheckResultRow> {
  const c = await pool().connect();
  try {
    await c.query("begin");
    await c.query("select pg_advisory_xact_lock(hashtext($1))", [`privacy:${row.stack}:${row.checkKey}`]);
    const prev = await c.query<{ status: CheckStatus }>(
      "select status from privacy_check_results where stack = $1 and check_key = $2 order by started_at desc, finished_at desc limit 1",
      [row.stack, row.checkKey],
    );
    const previousStatus = prev.rows[0]?.status ?? null;
    const flipped = previousStatus === "pass" && row.status !== "pass";
    const inserted = await c.query<CheckResultRow>(
      `insert into privacy_check_results (id, run_id, stack, check_key, status, summary, evidence, previous_status, flipped, trigger,
         requested_by_email, audit_correlation_id, started_at, finished_at, duration_ms)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) returning ${COLUMNS}`,
      [randomUUID(), row.runId, row.stack, row.checkKey, row.status, row.summary, JSON.stringify(row.evidence), previousStatus, flipped, row.trigger,
        row.requestedByEmail, row.auditCorrelationId, row.startedAt, row.finishedAt, row.durationMs],
    );
    await c.query("commit");
    return inserted.rows[0]!;
  } catch (error) {
    await c.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    c.release();
  }
}

/** The newest result of every stack+check. */
export async function latestResults(): Promise<CheckResultRow[]> {
  const r = await pool().query<CheckResultRow>(
    `select distinct on (stack, check_key) ${COLUMNS} from privacy_check_results order by stack, check_key, started_at desc, finished_at desc`,
  );
  return r.rows;
}

/** The last `perCheck` results of every stack+check, oldest first (timelines). */
export async function recentHistory(perCheck = 30): Promise<CheckResultRow[]> {
  const r = await pool().query<CheckResultRow>(
    `select ${COLUMNS} from (
       select *, row_number() over (partition by stack, check_key order by started_at desc, finished_at desc) as n from privacy_check_results
     ) t where n <= $1 order by stack, check_key, started_at, finished_at`,
    [perCheck],
  );
  return r.rows;
}

/** Every result started in [from, to), oldest first (evidence report), capped. */
export async function resultsBetween(from: Date, to: Date, limit = 10_000): Promise<CheckResultRow[]> {
  const r = await pool().query<CheckResultRow>(`select ${COLUMNS} from privacy_check_results where started_at >= $1 and started_at < $2 order by started_at, stack, check_key limit $3`, [from, to, limit]);
  return r.rows;
}
