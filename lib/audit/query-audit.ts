/**
 * Reading the audit log: newest first, filtered, keyset-paginated on seq (never OFFSET: a page deep
 * in a million rows costs the same as the first), and one event with its correlated rows.
 * No authorization here: callers (the page's DAL, route handlers) check `audit.view` first.
 */
import { pool } from "../db/pool";
import { auditFilterSql, DEFAULT_PAGE_SIZE, hasUnorderedCondition, isUuid, MAX_PAGE_SIZE, type AuditFilter } from "./audit-filter";
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

export type AuditPageRequest = {
  filter: AuditFilter;
  before?: string;
  after?: string;
  limit?: number;
  /** Rows scanned before falling back to the text index (default RECENT_WINDOW; tests make it small). */
  recentWindow?: number;
};

/**
 * Rows scanned in seq order before a free-text query falls back to the trigram index. Matches of a
 * common term are found in the newest rows at once this way, where the index would fetch every
 * matching row in the table and sort them; a rare term costs one short scan, then the index.
 */
export const RECENT_WINDOW = 20_000;

export async function queryAuditPage(request: AuditPageRequest): Promise<AuditPage> {
  const limit = Math.max(1, Math.min(request.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
  const newerFirst = request.after === undefined;
  let result: ListDbRow[] | null = null;
  if (hasUnorderedCondition(request.filter)) {
    const windowed = await fetchPage(request, limit, { window: true });
    // A full page found inside the window is exactly what the unbounded query returns (every row
    // outside the window is further from the cursor).
    if (windowed.length > limit) result = windowed;
  }
  result ??= await fetchPage(request, limit, { window: false });

  const more = result.length > limit;
  const rows = result.slice(0, limit).map(listRowOf);
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

async function fetchPage(request: AuditPageRequest, limit: number, options: { window: boolean }): Promise<ListDbRow[]> {
  const span = Math.max(1, Math.floor(request.recentWindow ?? RECENT_WINDOW));
  const values: unknown[] = [];
  const where = [auditFilterSql(request.filter, values, { useTextIndex: !options.window })];
  const bind = (v: unknown) => {
    values.push(v);
    return `$${values.length}::bigint`;
  };
  const newerFirst = request.after === undefined;
  if (request.before !== undefined) where.push(`seq < ${bind(request.before)}`);
  if (request.after !== undefined) where.push(`seq > ${bind(request.after)}`);
  if (options.window) {
    if (newerFirst) {
      const top = request.before ?? "(select max(seq) + 1 from audit_events)";
      where.push(`seq >= ${request.before !== undefined ? `${bind(request.before)} - ${span}` : `${top} - ${span}`}`);
    } else {
      where.push(`seq <= ${bind(request.after)} + ${span}`);
    }
  }
  values.push(limit + 1);
  const result = await pool().query<ListDbRow>(
    `select ${LIST_COLUMNS_SQL} from audit_events where ${where.join(" and ")}
      order by seq ${newerFirst ? "desc" : "asc"} limit $${values.length}`,
    values,
  );
  return result.rows;
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
