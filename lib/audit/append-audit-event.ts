/**
 * Appends one row to the audit chain. Writers serialise on a transaction-scoped advisory lock, read
 * the chain head and the database clock, hash, insert, commit: concurrent writers form one chain.
 * Pass `client` to append inside a transaction the caller already holds (e.g. the retention purge).
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { pool } from "../db/pool";
import { chainHash, GENESIS_HASH, type ChainedFields } from "./hash-chain";
import { redact } from "./redact";

export const AUDIT_CHAIN_LOCK = 7_261_126;

export type AuditOutcome = "started" | "succeeded" | "failed" | "denied";

export type AuditEventInput = {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  outcome: AuditOutcome;
  actor?: { id: string | null; email: string | null; role: string | null } | null;
  params?: unknown;
  error?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  correlationId?: string;
};

export type AppendedAuditEvent = { id: string; seq: string; hash: string; correlationId: string; at: Date };

const MAX_TEXT = 2000;
const clip = (s: string | null | undefined) => (s == null ? null : s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

async function appendWith(client: pg.ClientBase, input: AuditEventInput): Promise<AppendedAuditEvent> {
  await client.query("select pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK]);
  const head = await client.query<{ now: Date; prev: string | null }>(
    `select date_trunc('milliseconds', clock_timestamp()) as now,
            (select hash from audit_events order by seq desc limit 1) as prev`,
  );
  const prevHash = head.rows[0]!.prev ?? GENESIS_HASH;
  // JSON round trip: what is hashed is exactly what JSONB will give back (no undefined, Dates as strings).
  const params = input.params === undefined ? null : (JSON.parse(JSON.stringify(redact(input.params) ?? null)) as unknown);
  const fields: ChainedFields = {
    id: randomUUID(),
    at: head.rows[0]!.now,
    actorId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    actorRole: input.actor?.role ?? null,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: clip(input.resourceId ?? null),
    outcome: input.outcome,
    params,
    error: clip(input.error ?? null),
    ip: clip(input.ip ?? null),
    userAgent: clip(input.userAgent ?? null),
    requestId: clip(input.requestId ?? null),
    correlationId: input.correlationId ?? randomUUID(),
  };
  const hash = chainHash(prevHash, fields);
  const inserted = await client.query<{ seq: string }>(
    `insert into audit_events (id, at, actor_id, actor_email, actor_role, action, resource_type, resource_id, outcome,
                               params, error, ip, user_agent, request_id, correlation_id, prev_hash, hash)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) returning seq`,
    [
      fields.id,
      fields.at,
      fields.actorId,
      fields.actorEmail,
      fields.actorRole,
      fields.action,
      fields.resourceType,
      fields.resourceId,
      fields.outcome,
      params === null ? null : JSON.stringify(params),
      fields.error,
      fields.ip,
      fields.userAgent,
      fields.requestId,
      fields.correlationId,
      prevHash,
      hash,
    ],
  );
  return { id: fields.id, seq: inserted.rows[0]!.seq, hash, correlationId: fields.correlationId, at: fields.at };
}

/** Appends and commits. Throws if the row could not be written: callers must not proceed. */
export async function appendAuditEvent(input: AuditEventInput, client?: pg.ClientBase): Promise<AppendedAuditEvent> {
  if (client) return appendWith(client, input);
  const c = await pool().connect();
  try {
    await c.query("begin");
    const appended = await appendWith(c, input);
    await c.query("commit");
    return appended;
  } catch (error) {
    await c.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    c.release();
  }
}
