/**
 * One audit row as read from Postgres, and the shapes derived from it: the fields the hash chain
 * covers, and the full record written to exports and retention archives (one JSON object per row,
 * in chain order, so an archive or unfiltered export can be re-verified outside the console).
 */
import type { ChainedFields } from "./hash-chain";

/**
 * Every column, in the order exports list them. node-postgres returns bigint (seq) and enum
 * (outcome) values as strings. Never alias a cast as `seq` (`seq::text as seq`): ORDER BY seq
 * would then sort the text ("10" before "2").
 */
export const AUDIT_COLUMNS_SQL = `seq, id, at, actor_id, actor_email, actor_role, action, resource_type, resource_id,
  outcome, params, error, ip, user_agent, request_id, correlation_id, prev_hash, hash`;

export type AuditDbRow = {
  seq: string;
  id: string;
  at: Date;
  actor_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: string;
  params: unknown;
  error: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  correlation_id: string;
  prev_hash: string;
  hash: string;
};

export function chainedFieldsOf(row: AuditDbRow): ChainedFields {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    actorRole: row.actor_role,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    params: row.params,
    error: row.error,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    correlationId: row.correlation_id,
  };
}

/** The exported / archived form of a row: every field, `at` as ISO-8601 UTC, `seq` as a string. */
export type AuditRecord = {
  seq: string;
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  params: unknown;
  error: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string;
  prevHash: string;
  hash: string;
};

export const AUDIT_RECORD_FIELDS = [
  "seq",
  "id",
  "at",
  "actorId",
  "actorEmail",
  "actorRole",
  "action",
  "resourceType",
  "resourceId",
  "outcome",
  "params",
  "error",
  "ip",
  "userAgent",
  "requestId",
  "correlationId",
  "prevHash",
  "hash",
] as const satisfies readonly (keyof AuditRecord)[];

export function auditRecordOf(row: AuditDbRow): AuditRecord {
  return {
    seq: String(row.seq),
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    actorRole: row.actor_role,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    params: row.params ?? null,
    error: row.error,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    correlationId: row.correlation_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
