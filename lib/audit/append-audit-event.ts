/**
 * Appends rows to the audit chain. Writers serialise on a transaction-scoped advisory lock, read
 * the chain head and the database clock, hash, insert, commit: concurrent writers form one chain.
 * Pass `client` to append inside a transaction the caller already holds (e.g. the retention purge).
 *
 * Group commit: without `client`, appends from concurrent callers in this process are queued and
 * written together, one transaction (one lock hold, one WAL flush) per batch. Every caller's promise
 * still resolves only after its own row is committed, so "no action before its committed started
 * row" holds; a batch that fails on one row's data is retried row by row so the others still land.
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

/** Locks the chain, then appends `inputs` in order, each linked to the one before. */
async function appendRows(client: pg.ClientBase, inputs: readonly AuditEventInput[]): Promise<AppendedAuditEvent[]> {
  await client.query("select pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK]);
  // A separate statement from the lock: its snapshot is taken after the lock is held, so it sees the
  // row the previous holder committed.
  const head = await client.query<{ now: Date; prev: string | null }>(
    `select date_trunc('milliseconds', clock_timestamp()) as now,
            (select hash from audit_events order by seq desc limit 1) as prev`,
  );
  let prevHash = head.rows[0]!.prev ?? GENESIS_HASH;
  const appended: AppendedAuditEvent[] = [];
  for (const input of inputs) {
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
    appended.push({ id: fields.id, seq: inserted.rows[0]!.seq, hash, correlationId: fields.correlationId, at: fields.at });
    prevHash = hash;
  }
  return appended;
}

async function commitRows(inputs: readonly AuditEventInput[]): Promise<AppendedAuditEvent[]> {
  const c = await pool().connect();
  try {
    await c.query("begin");
    const appended = await appendRows(c, inputs);
    await c.query("commit");
    return appended;
  } catch (error) {
    await c.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    c.release();
  }
}

type Pending = { input: AuditEventInput; resolve: (appended: AppendedAuditEvent) => void; reject: (error: unknown) => void };
const MAX_BATCH = 64;
const queueState = globalThis as unknown as { __opsdeckAuditQueue?: { pending: Pending[]; draining: boolean } };

/** Errors caused by one row's content (bad data, constraint, too large): worth retrying the others alone. */
const isRowError = (error: unknown) => typeof (error as { code?: unknown })?.code === "string" && /^(22|23|54)/.test((error as { code: string }).code);

async function drain() {
  const q = (queueState.__opsdeckAuditQueue ??= { pending: [], draining: false });
  if (q.draining) return;
  q.draining = true;
  try {
    while (q.pending.length > 0) {
      const batch = q.pending.splice(0, MAX_BATCH);
      try {
        const appended = await commitRows(batch.map((p) => p.input));
        batch.forEach((p, i) => p.resolve(appended[i]!));
      } catch (error) {
        if (batch.length === 1 || !isRowError(error)) {
          for (const p of batch) p.reject(error);
          continue;
        }
        for (const p of batch) {
          try {
            p.resolve((await commitRows([p.input]))[0]!);
          } catch (rowError) {
            p.reject(rowError);
          }
        }
      }
    }
  } finally {
    q.draining = false;
  }
}

/** Appends and commits. Throws if the row could not be written: callers must not proceed. */
export async function appendAuditEvent(input: AuditEventInput, client?: pg.ClientBase): Promise<AppendedAuditEvent> {
  if (client) return (await appendRows(client, [input]))[0]!;
  return new Promise<AppendedAuditEvent>((resolve, reject) => {
    (queueState.__opsdeckAuditQueue ??= { pending: [], draining: false }).pending.push({ input, resolve, reject });
    void drain();
  });
}
