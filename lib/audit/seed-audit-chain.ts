/**
 * Bulk append of rows with chosen timestamps, correctly chained — for tests (old rows for retention)
 * and benchmarks (a million rows). Not used by the running console: its rows go through
 * appendAuditEvent, which takes the time from the database clock.
 *
 * Runs in one transaction under the chain lock, continuing from the current head; rows are inserted
 * in multi-row statements (unnest of arrays) with explicit seq values in chain order.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { AUDIT_CHAIN_LOCK, type AuditOutcome } from "./append-audit-event";
import { chainHash, GENESIS_HASH, type ChainedFields } from "./hash-chain";
import { redact } from "./redact";

export type SeedRow = {
  at: Date;
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

export async function seedAuditChain(client: pg.ClientBase, rows: Iterable<SeedRow>, options: { batchSize?: number } = {}): Promise<{ inserted: number; lastSeq: string | null; lastHash: string }> {
  const batchSize = options.batchSize ?? 5000;
  await client.query("begin");
  try {
    await client.query("select pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK]);
    // Continue after the highest seq ever handed out (rolled-back appends leave gaps above max(seq)).
    const head = await client.query<{ hash: string | null; seq: string }>(
      `select (select hash from audit_events order by seq desc limit 1) as hash,
              greatest((select coalesce(max(seq), 0) from audit_events),
                       (select case when is_called then last_value else 0 end from audit_events_seq_seq))::text as seq`,
    );
    let prev = head.rows[0]!.hash ?? GENESIS_HASH;
    let seq = BigInt(head.rows[0]!.seq);
    let inserted = 0;
    let cols: unknown[][] = Array.from({ length: 18 }, () => []);
    const flush = async () => {
      if (cols[0]!.length === 0) return;
      await client.query(
        `insert into audit_events (seq, id, at, actor_id, actor_email, actor_role, action, resource_type, resource_id, outcome,
                                   params, error, ip, user_agent, request_id, correlation_id, prev_hash, hash)
         select * from unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                              $10::"AuditOutcome"[], $11::jsonb[], $12::text[], $13::text[], $14::text[], $15::text[], $16::uuid[], $17::text[], $18::text[])`,
        cols,
      );
      cols = Array.from({ length: 18 }, () => []);
    };
    for (const r of rows) {
      const params = r.params === undefined ? null : (JSON.parse(JSON.stringify(redact(r.params) ?? null)) as unknown);
      const fields: ChainedFields = {
        id: randomUUID(),
        at: new Date(Math.floor(r.at.getTime())),
        actorId: r.actor?.id ?? null,
        actorEmail: r.actor?.email ?? null,
        actorRole: r.actor?.role ?? null,
        action: r.action,
        resourceType: r.resourceType,
        resourceId: r.resourceId ?? null,
        outcome: r.outcome,
        params,
        error: r.error ?? null,
        ip: r.ip ?? null,
        userAgent: r.userAgent ?? null,
        requestId: r.requestId ?? null,
        correlationId: r.correlationId ?? randomUUID(),
      };
      const hash = chainHash(prev, fields);
      seq += 1n;
      const values = [
        seq.toString(),
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
        prev,
        hash,
      ];
      values.forEach((v, i) => cols[i]!.push(v));
      prev = hash;
      inserted += 1;
      if (cols[0]!.length >= batchSize) await flush();
    }
    await flush();
    if (inserted > 0) await client.query("select setval('audit_events_seq_seq', $1::bigint)", [seq.toString()]);
    await client.query("commit");
    return { inserted, lastSeq: inserted > 0 ? seq.toString() : null, lastHash: prev };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}
