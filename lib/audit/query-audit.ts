/**
 * Reading the audit log: newest first, filtered, keyset-paginated on seq (never OFFSET: a page deep
 * in a million rows costs the same as the first), and one event with its correlated rows.
 * No authorization here: callers (the page's DAL, route handlers) check `audit.view` first.
 */
import { pool } from "../db/pool";
import { auditFilterSql, DEFAULT_PAGE_SIZE, isUuid, MAX_PAGE_SIZE, type AuditFilter } from "./audit-filter";
import { AUDIT_COLUMNS_SQL, type AuditDbRow } from "./audit-row";

/** What the list shows of a row. */
export type AuditListRow = {
  id: string;
  seq: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
  /** Clipped to 300 characters; the details view has all of it. */
  error: string | null;
  correlationId: string;
};

export type AuditEventDetails = AuditListRow & {
  error: string | null;
  params: unknown;
  userAgent: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
};

export type AuditPage = {
  rows: AuditListRow[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** Pass as `after` for the previous (newer) page; null on the first page. */
  prevCursor: string | null;
};

const LIST_COLUMNS_SQL = `seq, id, at, actor_id, actor_email, actor_role, action, resource_type, resource_id,
  outcome, ip, left(error, 301) as error, correlation_id`;

type ListDbRow = Pick<
  AuditDbRow,
  "seq" | "id" | "at" | "actor_id" | "actor_email" | "actor_role" | "action" | "resource_type" | "resource_id" | "outcome" | "ip" | "error" | "correlation_id"
>;

function listRowOf(r: ListDbRow): AuditListRow {
  return {
    id: r.id,
    seq: String(r.seq),
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    actorRole: r.actor_role,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    outcome: r.outcome,
    ip: r.ip,
    error: r.error && r.error.length > 300 ? `${r.error.slice(0, 300)}…` : r.error,
    correlationId: r.correlation_id,
  };
}

export type AuditPageRequest = { filter: AuditFilter; before?: string; after?: string; limit?: number };

export async function queryAuditPage(request: AuditPageRequest): Promise<AuditPage> {
  const limit = Math.max(1, Math.min(request.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
  const values: unknown[] = [];
  const where = [auditFilterSql(request.filter, values)];
  const newerFirst = request.after === undefined;
  if (request.before !== undefined) {
    values.push(request.before);
    where.push(`seq < $${values.length}::bigint`);
  }
  if (request.after !== undefined) {
    values.push(request.after);
    where.push(`seq > $${values.length}::bigint`);
  }
  values.push(limit + 1);
  const result = await pool().query<ListDbRow>(
    `select ${LIST_COLUMNS_SQL} from audit_events where ${where.join(" and ")}
      order by seq ${newerFirst ? "desc" : "asc"} limit $${values.length}`,
    values,
  );
  const more = result.rows.length > limit;
  const rows = result.rows.slice(0, limit).map(listRowOf);
  if (newerFirst) {
    return {
      rows,
      nextCursor: more ? rows[rows.length - 1]!.seq : null,
      prevCursor: request.before !== undefined && rows.length > 0 ? rows[0]!.seq : null,
    };
  }
  rows.reverse(); // fetched oldest first (just above the cursor); shown newest first
  return {
    rows,
    nextCursor: rows.length > 0 ? rows[rows.length - 1]!.seq : (request.after ?? null),
    prevCursor: more && rows.length > 0 ? rows[0]!.seq : null,
  };
}

/** One event with every field, and the rows that share its correlation id (its started/outcome pair). */
export async function getAuditEvent(id: string): Promise<{ event: AuditEventDetails; related: AuditListRow[] } | null> {
  if (!isUuid(id)) return null;
  const found = await pool().query<AuditDbRow>(`select ${AUDIT_COLUMNS_SQL} from audit_events where id = $1::uuid`, [id]);
  const r = found.rows[0];
  if (!r) return null;
  const related = await pool().query<ListDbRow>(
    `select ${LIST_COLUMNS_SQL} from audit_events where correlation_id = $1::uuid and id <> $2::uuid order by seq limit 100`,
    [r.correlation_id, r.id],
  );
  return {
    event: {
      ...listRowOf(r),
      error: r.error,
      params: r.params ?? null,
      userAgent: r.user_agent,
      requestId: r.request_id,
      prevHash: r.prev_hash,
      hash: r.hash,
    },
    related: related.rows.map(listRowOf),
  };
}

/**
 * Distinct actions and resource types, for the filter form's suggestions. A loose index scan (one
 * index probe per distinct value) instead of DISTINCT over every row.
 */
export async function listAuditFacets(max = 200): Promise<{ actions: string[]; resourceTypes: string[] }> {
  const distinct = async (column: "action" | "resource_type") => {
    const result = await pool().query<{ v: string }>(
      `with recursive d(v) as (
         (select ${column} from audit_events order by ${column} limit 1)
         union all
         select (select ${column} from audit_events where ${column} > d.v order by ${column} limit 1) from d where d.v is not null
       )
       select v from d where v is not null limit $1`,
      [max],
    );
    return result.rows.map((r) => r.v);
  };
  const [actions, resourceTypes] = await Promise.all([distinct("action"), distinct("resource_type")]);
  return { actions, resourceTypes };
}
