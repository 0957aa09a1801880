/**
 * The audit log filter: one zod schema for URL search params (shareable links), export requests and
 * the page's form, and the SQL it becomes. Every value is bound as a parameter.
 *
 * - action:   `user` matches `user` and everything under it (`user.role.change`), at dot boundaries;
 *             a trailing `*` is a raw prefix (`auth.sign*`).
 * - resource: exact resource type.
 * - actor:    a user id (uuid), an exact email (contains `@`, any case) or part of an email.
 * - outcome:  started | succeeded | failed | denied.
 * - from, to: ISO-8601 date or date-time, UTC unless it carries an offset. `from` is inclusive; `to`
 *             includes the whole day / minute / second it names.
 * - q:        free text across action, resource id, actor email, error and params.
 */
import { z } from "zod";

export const AUDIT_OUTCOMES = ["started", "succeeded", "failed", "denied"] as const;
export type AuditOutcomeValue = (typeof AUDIT_OUTCOMES)[number];

const blankToUndefined = (value: unknown) => {
  if (Array.isArray(value)) value = value[0];
  return typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value;
};

const text = (max: number, what: string) => z.preprocess(blankToUndefined, z.string().max(max, `${what} is too long (at most ${max} characters).`).optional());

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** The instant a date/date-time string starts at, and the instant just after the period it names. */
export function timeBounds(value: string): { start: Date; end: Date } | null {
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const n = [y, mo, d, h ?? "0", mi ?? "0", s ?? "0", (ms ?? "0").padEnd(3, "0")].map(Number) as [number, number, number, number, number, number, number];
  const local = new Date(Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5], n[6]));
  // Date.UTC rolls 2026-02-30 over to March: a date that does not exist comes back different.
  if (local.getUTCFullYear() !== n[0] || local.getUTCMonth() !== n[1] - 1 || local.getUTCDate() !== n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59) return null;
  let offsetMinutes = 0;
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const [oh, om] = zone.slice(1).split(":").map(Number) as [number, number];
    if (oh > 14 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const start = new Date(local.getTime() - offsetMinutes * 60_000);
  const unit = h === undefined ? 86_400_000 : s === undefined ? 60_000 : ms === undefined ? 1000 : 1;
  return { start, end: new Date(start.getTime() + unit) };
}

const when = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(40)
      .refine((v) => timeBounds(v) !== null, { message: `${what} must be a date like 2026-11-25 or a date-time like 2026-11-25T14:30 (UTC).` })
      .optional(),
  );

export const auditFilterSchema = z
  .object({
    action: text(200, "Action"),
    resource: text(100, "Resource type"),
    actor: text(320, "Actor"),
    outcome: z.preprocess(blankToUndefined, z.enum(AUDIT_OUTCOMES, { message: `Outcome must be one of ${AUDIT_OUTCOMES.join(", ")}.` }).optional()),
    from: when("From"),
    to: when("To"),
    q: text(200, "Search text"),
  })
  .refine((f) => !f.from || !f.to || timeBounds(f.from)!.start < timeBounds(f.to)!.end, { message: "From must be before To.", path: ["to"] });

export type AuditFilter = z.infer<typeof auditFilterSchema>;

const seqCursor = z.preprocess(blankToUndefined, z.string().regex(/^\d{1,19}$/, "The page link is not valid; start again from the newest entries.").optional());

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export const auditPageQuerySchema = z.object({
  filter: auditFilterSchema,
  /** Rows strictly older than this seq (the "Older →" link). */
  before: seqCursor,
  /** Rows strictly newer than this seq (the "← Newer" link). */
  after: seqCursor,
  limit: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(1).max(MAX_PAGE_SIZE, `At most ${MAX_PAGE_SIZE} rows per page.`).default(DEFAULT_PAGE_SIZE),
  ),
});

export type AuditPageQuery = z.infer<typeof auditPageQuerySchema>;

type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

function plain(input: SearchParamsLike): Record<string, string | string[] | undefined> {
  if (input instanceof URLSearchParams) {
    const out: Record<string, string> = {};
    for (const [k, v] of input.entries()) if (!(k in out)) out[k] = v;
    return out;
  }
  return input;
}

const FILTER_KEYS = ["action", "resource", "actor", "outcome", "from", "to", "q"] as const satisfies readonly (keyof AuditFilter)[];

/** Parses a page request (filter + cursor + page size) from URL search params. */
export function parseAuditPageQuery(input: SearchParamsLike) {
  const p = plain(input);
  return auditPageQuerySchema.safeParse({
    filter: Object.fromEntries(FILTER_KEYS.map((k) => [k, p[k]])),
    before: p.before,
    after: p.after,
    limit: p.limit,
  });
}

/** Parses only the filter (exports ignore cursors). */
export function parseAuditFilter(input: SearchParamsLike) {
  const p = plain(input);
  return auditFilterSchema.safeParse(Object.fromEntries(FILTER_KEYS.map((k) => [k, p[k]])));
}

/** The filter as URL search params (only the fields that are set), for shareable links. */
export function auditFilterToSearchParams(filter: AuditFilter, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filter[k];
    if (v !== undefined && v !== "") params.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) params.set(k, v);
  return params;
}

export function isFilterEmpty(filter: AuditFilter): boolean {
  return FILTER_KEYS.every((k) => filter[k] === undefined);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Filters with a condition no btree index serves in seq order (free text, part of an email). */
export function hasUnorderedCondition(filter: AuditFilter): boolean {
  return Boolean(filter.q) || Boolean(filter.actor && !isUuid(filter.actor) && !filter.actor.includes("@"));
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * SQL conditions for a filter, appending bound values to `values` ("true" when there are none).
 * Column names are unqualified (table audit_events). `useTextIndex: false` words the free-text
 * condition so the trigram index cannot serve it (for scans of a short, recent seq window).
 */
export function auditFilterSql(filter: AuditFilter, values: unknown[], options: { useTextIndex?: boolean } = {}): string {
  const where: string[] = [];
  const bind = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (filter.action) {
    if (filter.action.endsWith("*")) {
      where.push(`action like ${bind(`${likeEscape(filter.action.slice(0, -1))}%`)}`);
    } else {
      where.push(`(action = ${bind(filter.action)} or action like ${bind(`${likeEscape(filter.action)}.%`)})`);
    }
  }
  if (filter.resource) where.push(`resource_type = ${bind(filter.resource)}`);
  if (filter.actor) {
    if (isUuid(filter.actor)) where.push(`actor_id = ${bind(filter.actor.toLowerCase())}::uuid`);
    else if (filter.actor.includes("@")) where.push(`lower(actor_email) = ${bind(filter.actor.toLowerCase())}`);
    else where.push(`lower(actor_email) like ${bind(`%${likeEscape(filter.actor.toLowerCase())}%`)}`);
  }
  if (filter.outcome) where.push(`outcome = ${bind(filter.outcome)}::"AuditOutcome"`);
  if (filter.from) where.push(`at >= ${bind(timeBounds(filter.from)!.start)}`);
  if (filter.to) where.push(`at < ${bind(timeBounds(filter.to)!.end)}`);
  if (filter.q) {
    // search_text: stored, lower-cased action, resource id, actor email, error and params (migration 20261125161000).
    where.push(`${options.useTextIndex === false ? "(search_text || '')" : "search_text"} like ${bind(`%${likeEscape(filter.q.toLowerCase())}%`)}`);
  }
  return where.length ? where.join(" and ") : "true";
}
