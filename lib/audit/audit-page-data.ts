import "server-only";
/**
 * What the audit pages read (auditor, admin). Each loader checks the session and `audit.view` first
 * (sign-in redirect, or the 403 page with a denied row) and returns only what the page shows.
 */
import { notFound } from "next/navigation";
import { can } from "../auth/policy";
import { requirePermission } from "../auth/require-permission";
import { pool } from "../db/pool";
import { auditFilterToSearchParams, parseAuditPageQuery, type AuditFilter } from "./audit-filter";
import { getAuditEvent, listAuditFacets, queryAuditPage, type AuditPage } from "./query-audit";
import { getRetentionPolicy, type RetentionPolicy } from "./retention-policy";
import { RETENTION_PURGE_ACTION } from "./verify-audit-chain";

type SearchParams = Record<string, string | string[] | undefined>;

export type LastPurge = { at: string; removed: number; archive: string | null; id: string };

export type AuditPageData = {
  filter: AuditFilter;
  /** Problems with the URL's filter, by field; when present the list is empty and the form shows them. */
  problems: Record<string, string[]> | null;
  page: AuditPage;
  limit: number;
  /** Query string of the filter alone (for export links and pagination). */
  filterQuery: string;
  facets: { actions: string[]; resourceTypes: string[] };
  retention: RetentionPolicy;
  lastPurge: LastPurge | null;
  may: { export: boolean; verify: boolean; manageSettings: boolean };
};

async function lastPurge(): Promise<LastPurge | null> {
  const result = await pool().query<{ id: string; at: Date; params: { removed?: unknown; archive?: unknown } | null }>(
    "select id, at, params from audit_events where action = $1 and outcome = 'succeeded' order by seq desc limit 1",
    [RETENTION_PURGE_ACTION],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    id: row.id,
    at: row.at.toISOString(),
    removed: typeof row.params?.removed === "number" ? row.params.removed : 0,
    archive: typeof row.params?.archive === "string" ? row.params.archive : null,
  };
}

export async function loadAuditPage(searchParams: SearchParams): Promise<AuditPageData> {
  const actor = await requirePermission("audit.view", "/audit");
  const parsed = parseAuditPageQuery(searchParams);
  const [facets, retention, purge] = await Promise.all([listAuditFacets(), getRetentionPolicy(), lastPurge()]);
  const may = { export: can(actor.role, "audit.export"), verify: can(actor.role, "audit.verify"), manageSettings: can(actor.role, "settings.manage") };
  if (!parsed.success) {
    const problems: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[issue.path.length - 1] ?? "filter");
      (problems[key] ??= []).push(issue.message);
    }
    // Keep what the person typed in the form, so they can correct it.
    const raw = (k: string) => {
      const v = searchParams[k];
      return typeof v === "string" && v.trim() ? v.trim().slice(0, 320) : undefined;
    };
    const filter: AuditFilter = { action: raw("action"), resource: raw("resource"), actor: raw("actor"), from: raw("from"), to: raw("to"), q: raw("q") };
    return { filter, problems, page: { rows: [], nextCursor: null, prevCursor: null }, limit: 50, filterQuery: "", facets, retention, lastPurge: purge, may };
  }
  const { filter, before, after, limit } = parsed.data;
  const page = await queryAuditPage({ filter, before, after, limit });
  return { filter, problems: null, page, limit, filterQuery: auditFilterToSearchParams(filter).toString(), facets, retention, lastPurge: purge, may };
}

export async function loadAuditEvent(id: string) {
  await requirePermission("audit.view", `/audit/${id.slice(0, 64)}`);
  const found = await getAuditEvent(id);
  if (!found) notFound();
  return found;
}
