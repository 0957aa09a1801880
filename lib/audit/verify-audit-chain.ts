/**
 * Walks the audit chain in seq order and names the first row that does not verify.
 *
 * - hash:   the row's stored hash is not sha256(prev_hash || canonical row): the row was edited.
 * - link:   the row's prev_hash is not the previous row's hash: a row before it was removed,
 *           inserted or replaced.
 * - anchor: the first remaining row does not start where the chain is known to start: the genesis
 *           hash, or — after retention removed old rows — the `continuesFrom` hash recorded by the
 *           newest `audit.retention.purge` row (the checkpoint). That checkpoint row is itself part
 *           of the chain, so its recorded hash cannot be changed without breaking its own hash; and
 *           removing rows from the start of the chain (or the checkpoint at its end) leaves a first
 *           row that no longer matches the anchor.
 *
 * Constant memory: keyset batches on seq, inside one REPEATABLE READ READ ONLY transaction, so the
 * walk sees one snapshot even while rows are appended (or a purge commits) meanwhile.
 */
import type pg from "pg";
import { env } from "../config/env";
import { AUDIT_COLUMNS_SQL, chainedFieldsOf, type AuditDbRow } from "./audit-row";
import { chainHash, GENESIS_HASH } from "./hash-chain";
import { withClient } from "./with-client";

export const RETENTION_PURGE_ACTION = "audit.retention.purge";

export type ChainAnchor = { kind: "genesis"; hash: string } | { kind: "checkpoint"; hash: string; checkpointSeq: string; checkpointId: string };

export type ChainBreak = {
  seq: string;
  id: string;
  reason: "hash" | "link" | "anchor";
  expected: string;
  actual: string;
};

export type VerifyResult =
  | { ok: true; rows: number; firstSeq: string | null; lastSeq: string | null; lastHash: string | null; anchor: ChainAnchor }
  | { ok: false; rows: number; firstBad: ChainBreak; anchor: ChainAnchor };

export type VerifyOptions = {
  /** Default: the console's DATABASE_URL. A dedicated connection, so a long walk does not hold one of the pool's few. */
  connectionString?: string;
  batchSize?: number;
  /** Called after each batch with the number of rows verified so far. */
  onProgress?: (rows: number) => void;
};

const HEX64 = /^[0-9a-f]{64}$/;

/** The hash the first remaining row must link to. */
export async function chainAnchor(client: pg.ClientBase): Promise<ChainAnchor> {
  const checkpoint = await client.query<{ seq: string; id: string; continues_from: unknown }>(
    `select seq, id, params->>'continuesFrom' as continues_from from audit_events
      where action = $1 and outcome = 'succeeded' order by seq desc limit 1`,
    [RETENTION_PURGE_ACTION],
  );
  const row = checkpoint.rows[0];
  if (!row) return { kind: "genesis", hash: GENESIS_HASH };
  // A checkpoint without a well-formed hash cannot anchor anything: report it as the expectation,
  // so the first row fails with a reason that points at the checkpoint.
  const hash = typeof row.continues_from === "string" && HEX64.test(row.continues_from) ? row.continues_from : `invalid checkpoint in row ${row.seq}`;
  return { kind: "checkpoint", hash, checkpointSeq: String(row.seq), checkpointId: row.id };
}

export async function verifyAuditChain(options: VerifyOptions = {}): Promise<VerifyResult> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 2000, 20_000));
  return withClient(options.connectionString ?? env().DATABASE_URL, async (client) => {
    await client.query("begin isolation level repeatable read read only");
    try {
      const result = await walk(client, batchSize, options.onProgress);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  });
}

async function walk(client: pg.ClientBase, batchSize: number, onProgress?: (rows: number) => void): Promise<VerifyResult> {
  const anchor = await chainAnchor(client);
  let rows = 0;
  let firstSeq: string | null = null;
  let lastSeq: string | null = null;
  let previousHash: string | null = null;

  for (;;) {
    const batch: pg.QueryResult<AuditDbRow> = await client.query<AuditDbRow>(
      `select ${AUDIT_COLUMNS_SQL} from audit_events where seq > $1::bigint order by seq limit $2`,
      [lastSeq ?? "-1", batchSize],
    );
    for (const row of batch.rows as AuditDbRow[]) {
      if (previousHash === null) {
        firstSeq = row.seq;
        if (row.prev_hash !== anchor.hash) return { ok: false, rows, anchor, firstBad: { seq: row.seq, id: row.id, reason: "anchor", expected: anchor.hash, actual: row.prev_hash } };
      } else if (row.prev_hash !== previousHash) {
        return { ok: false, rows, anchor, firstBad: { seq: row.seq, id: row.id, reason: "link", expected: previousHash, actual: row.prev_hash } };
      }
      const recomputed = chainHash(row.prev_hash, chainedFieldsOf(row));
      if (recomputed !== row.hash) return { ok: false, rows, anchor, firstBad: { seq: row.seq, id: row.id, reason: "hash", expected: recomputed, actual: row.hash } };
      previousHash = row.hash;
      lastSeq = row.seq;
      rows += 1;
    }
    onProgress?.(rows);
    if (batch.rows.length < batchSize) break;
  }
  return { ok: true, rows, firstSeq, lastSeq, lastHash: previousHash, anchor };
}

/** One sentence for people (CLI, UI, logs) naming what is wrong with the first bad row. */
export function describeChainBreak(b: ChainBreak): string {
  switch (b.reason) {
    case "hash":
      return `Row #${b.seq} (${b.id}) was changed after it was written: its contents no longer match its hash.`;
    case "link":
      return `Row #${b.seq} (${b.id}) does not follow the row before it: a row before it was removed, inserted or replaced.`;
    case "anchor":
      return `Row #${b.seq} (${b.id}), the oldest remaining row, does not continue from where the chain is known to start (the genesis hash or the last retention checkpoint): rows were removed from the start of the log outside retention.`;
  }
}
