/**
 * Export of the audit log for a filter, as CSV or NDJSON, streamed with constant memory: keyset
 * batches on seq, each serialised and handed to the consumer before the next is read.
 *
 * Rows come in chain order (oldest first) and the export stops at the newest row that existed when
 * it began, so a long export is a stable snapshot however much is appended meanwhile.
 * - NDJSON: one object per line with every field (params as JSON, prevHash and hash), exactly as
 *   stored, so an unfiltered export can be re-verified outside the console.
 * - CSV: the same columns, params as a JSON string; starts with a UTF-8 byte order mark so
 *   spreadsheet programs read it as UTF-8, and cells that would start a formula (= + - @ tab CR)
 *   are prefixed with a quote (CSV injection) — use NDJSON where exact values matter.
 */
import { stringify } from "csv-stringify/sync";
import { pool } from "../db/pool";
import { auditFilterSql, type AuditFilter } from "./audit-filter";
import { AUDIT_COLUMNS_SQL, AUDIT_RECORD_FIELDS, auditRecordOf, type AuditDbRow, type AuditRecord } from "./audit-row";

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/** Rows of the filter in seq order, in batches, up to the head as it was at the first call. */
export async function* auditRecordBatches(filter: AuditFilter, options: { batchSize?: number; upToSeq?: string } = {}): AsyncGenerator<AuditRecord[]> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 1000, 10_000));
  const head = options.upToSeq ?? (await pool().query<{ head_seq: string | null }>("select max(seq)::text as head_seq from audit_events")).rows[0]!.head_seq;
  if (head === null) return;
  let after = "-1";
  for (;;) {
    const values: unknown[] = [];
    const where = auditFilterSql(filter, values);
    values.push(after, head, batchSize);
    const n = values.length;
    const batch = await pool().query<AuditDbRow>(
      `select ${AUDIT_COLUMNS_SQL} from audit_events
        where ${where} and seq > $${n - 2}::bigint and seq <= $${n - 1}::bigint
        order by seq limit $${n}`,
      values,
    );
    if (batch.rows.length === 0) return;
    yield batch.rows.map(auditRecordOf);
    if (batch.rows.length < batchSize) return;
    after = String(batch.rows[batch.rows.length - 1]!.seq);
  }
}

const CSV_HEADER = AUDIT_RECORD_FIELDS as readonly string[];

export function csvChunk(records: AuditRecord[], withHeader: boolean): string {
  const rows = records.map((r) => AUDIT_RECORD_FIELDS.map((f) => (f === "params" ? (r.params === null ? "" : JSON.stringify(r.params)) : (r[f] ?? ""))));
  return stringify(withHeader ? [CSV_HEADER as string[], ...rows] : rows, { escape_formulas: true, record_delimiter: "\r\n" });
}

export function ndjsonChunk(records: AuditRecord[]): string {
  let out = "";
  for (const r of records) out += `${JSON.stringify(r)}\n`;
  return out;
}

/** The export as text chunks (one per batch). Counts rows into `stats` as it goes. */
export async function* auditExportChunks(filter: AuditFilter, format: ExportFormat, stats: { rows: number } = { rows: 0 }, options: { batchSize?: number } = {}): AsyncGenerator<string> {
  let first = true;
  if (format === "csv") yield "\uFEFF";
  for await (const batch of auditRecordBatches(filter, options)) {
    stats.rows += batch.length;
    yield format === "csv" ? csvChunk(batch, first) : ndjsonChunk(batch);
    first = false;
  }
  if (format === "csv" && first) yield csvChunk([], true); // header only: the file still says what it would hold
}

export function exportFileName(format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `opsdeck-audit-${stamp}.${format}`;
}
