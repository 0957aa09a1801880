/**
 * Check 3: recent events carry no client IP and no fresh geo data. Over the window (default 24 h) it
 * counts events whose `$ip` is non-empty, events with `$geoip_*` / `$initial_geoip_*` properties (other
 * than `$geoip_disable` itself), and events whose `$geoip_disable` is not true; it passes only when the
 * first two are zero. Two sources, either or both: PostHog's HogQL query API and a direct read-only
 * SELECT on ClickHouse's `events` table (installs without an API key). Evidence: the counts and up to 5
 * sample event uuids per source — never the IP values themselves (they are never selected).
 *
 * ClickHouse: `properties` is a JSON string. The SQL is written for old servers too — checked against
 * ClickHouse 18.16 (the fixture's), which has no JSONExtract* (added in 19.x: "Unknown function
 * JSONExtractString") and no query parameters. visitParamExtractString exists there but assumes compact
 * JSON (`"$ip":"…"` works, `"$ip": "…"` returns ''), so the properties are matched with RE2 regular
 * expressions (`extract`, `extractAll`, `match`), which tolerate whitespace and exist in every version.
 * The table and database names are validated identifiers; the window is an integer.
 */
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { resolveConnection } from "../../stack/config";
import type { CheckOutcome } from "../types";
import { posthogFor, type CheckContext } from "./context";

export const SAMPLE_LIMIT = 5;

export type EventCounts = {
  source: "hogql" | "clickhouse";
  total: number;
  withIp: number;
  withGeoip: number;
  withoutGeoipDisable: number;
  /** Up to 5 uuids of events with an IP or geo data (newest first). */
  sampleEventUuids: string[];
};

export type SourceResult = EventCounts | { source: "hogql" | "clickhouse"; error: string };

// RE2 patterns over the raw JSON text of `properties`.
const IP_VALUE = String.raw`"\$ip"\s*:\s*"([^"]+)"`;
/** Captures the key suffix of every $geoip_* / $initial_geoip_* key whose value is not null. */
const GEOIP_KEYS = String.raw`"\$(?:initial_)?geoip_([a-z0-9_]+)"\s*:\s*[^n\s]`;
const GEOIP_DISABLE_TRUE = String.raw`"\$geoip_disable"\s*:\s*true`;

/** A ClickHouse string literal (backslash and quote escaped). */
export function chString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

const CH_IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function clickhouseEventQueries(database: string, table: string, windowHours: number): { counts: string; samples: string } {
  if (!CH_IDENT.test(database) || !CH_IDENT.test(table)) throw new Error("invalid ClickHouse database or table name");
  if (!Number.isInteger(windowHours) || windowHours < 1) throw new Error("invalid window");
  const from = `${database}.${table}`;
  const where = `timestamp > now() - toIntervalHour(${windowHours})`;
  const hasIp = `extract(properties, ${chString(IP_VALUE)}) != ''`;
  const hasGeo = `arrayExists(k -> k != 'disable', extractAll(properties, ${chString(GEOIP_KEYS)}))`;
  const disabled = `match(properties, ${chString(GEOIP_DISABLE_TRUE)})`;
  return {
    counts: `SELECT count() AS total, countIf(${hasIp}) AS with_ip, countIf(${hasGeo}) AS with_geoip, countIf(NOT ${disabled}) AS without_geoip_disable FROM ${from} WHERE ${where}`,
    samples: `SELECT toString(uuid) AS uuid FROM ${from} WHERE ${where} AND ((${hasIp}) OR (${hasGeo})) ORDER BY timestamp DESC LIMIT ${SAMPLE_LIMIT}`,
  };
}

export async function clickhouseEventCounts(ctx: CheckContext): Promise<EventCounts> {
  const source = ctx.stack.clickhouse!;
  const service = ctx.config.services[source.service];
  if (!service) throw new Error(`no service "${source.service}" in services`);
  const conn = resolveConnection(source.service, service, ctx.env);
  const database = source.database ?? conn.database ?? "default";
  const queries = clickhouseEventQueries(database, source.table, ctx.stack.windowHours);
  const client = createClient({
    url: conn.url,
    username: conn.username ?? "default",
    password: conn.password ?? "",
    request_timeout: 30_000,
    max_open_connections: 1,
    keep_alive: { enabled: false },
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    const counts = (await (await client.query({ query: queries.counts, format: "JSONEachRow" })).json<Record<string, string | number>>())[0] ?? {};
    const samples = await (await client.query({ query: queries.samples, format: "JSONEachRow" })).json<{ uuid: string }>();
    return {
      source: "clickhouse",
      total: Number(counts.total ?? 0),
      withIp: Number(counts.with_ip ?? 0),
      withGeoip: Number(counts.with_geoip ?? 0),
      withoutGeoipDisable: Number(counts.without_geoip_disable ?? 0),
      sampleEventUuids: samples.map((r) => r.uuid),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The $geoip_* keys PostHog's GeoIP enrichment writes (HogQL reads properties by name). */
export const GEOIP_PROPERTIES = [
  "$geoip_city_name",
  "$geoip_city_confidence",
  "$geoip_country_name",
  "$geoip_country_code",
  "$geoip_continent_name",
  "$geoip_continent_code",
  "$geoip_postal_code",
  "$geoip_latitude",
  "$geoip_longitude",
  "$geoip_accuracy_radius",
  "$geoip_time_zone",
  "$geoip_subdivision_1_code",
  "$geoip_subdivision_1_name",
  "$geoip_subdivision_2_code",
  "$geoip_subdivision_2_name",
] as const;

export function hogqlEventQueries(windowHours: number): { counts: string; samples: string } {
  if (!Number.isInteger(windowHours) || windowHours < 1) throw new Error("invalid window");
  const where = `timestamp > now() - interval ${windowHours} hour`;
  const hasIp = "notEmpty(ifNull(toString(properties.$ip), ''))";
  const hasGeo = `(${GEOIP_PROPERTIES.map((p) => `properties.${p} is not null`).join(" or ")})`;
  const disabled = "ifNull(toString(properties.$geoip_disable), '') = 'true'";
  return {
    counts: `select count(), countIf(${hasIp}), countIf(${hasGeo}), countIf(not ${disabled}) from events where ${where}`,
    samples: `select toString(uuid) from events where ${where} and (${hasIp} or ${hasGeo}) order by timestamp desc limit ${SAMPLE_LIMIT}`,
  };
}

export async function hogqlEventCounts(ctx: CheckContext): Promise<EventCounts> {
  const client = posthogFor(ctx);
  const settings = await client.projectSettings(ctx.stack.posthog!.projectId);
  const projectId = settings.project_id ?? settings.id;
  const queries = hogqlEventQueries(ctx.stack.windowHours);
  const row = (await client.hogql(projectId, queries.counts))[0] ?? [];
  const samples = await client.hogql(projectId, queries.samples);
  return {
    source: "hogql",
    total: Number(row[0] ?? 0),
    withIp: Number(row[1] ?? 0),
    withGeoip: Number(row[2] ?? 0),
    withoutGeoipDisable: Number(row[3] ?? 0),
    sampleEventUuids: samples.map((r) => String(r[0])).filter((u) => /^[0-9a-f-]{36}$/i.test(u)),
  };
}

/** Pure verdict over the sources' results. */
export function recentEventsOutcome(results: SourceResult[], windowHours: number): CheckOutcome {
  const evidence = { windowHours, sources: results };
  const counted = results.filter((r): r is EventCounts => !("error" in r));
  const bad = counted.filter((r) => r.withIp > 0 || r.withGeoip > 0);
  if (bad.length > 0) {
    const parts = bad.map((r) => `${r.source}: ${r.withIp} of ${r.total} with an IP, ${r.withGeoip} with GeoIP data`);
    return { status: "fail", summary: `Events of the last ${windowHours} h carry client data (${parts.join("; ")}).`, evidence };
  }
  const failed = results.filter((r): r is { source: "hogql" | "clickhouse"; error: string } => "error" in r);
  if (failed.length > 0) return { status: "error", summary: `Could not read recent events: ${failed.map((r) => `${r.source}: ${r.error}`).join("; ")}`, evidence };
  const parts = counted.map((r) => `${r.source}: ${r.total} event${r.total === 1 ? "" : "s"}, none with an IP or GeoIP data${r.withoutGeoipDisable ? `, ${r.withoutGeoipDisable} without $geoip_disable` : ""}`);
  return { status: "pass", summary: `Last ${windowHours} h clean (${parts.join("; ")}).`, evidence };
}

export async function checkRecentEvents(ctx: CheckContext): Promise<CheckOutcome> {
  const results: SourceResult[] = [];
  const sources: Array<["hogql" | "clickhouse", () => Promise<EventCounts>]> = [];
  if (ctx.stack.posthog) sources.push(["hogql", () => hogqlEventCounts(ctx)]);
  if (ctx.stack.clickhouse) sources.push(["clickhouse", () => clickhouseEventCounts(ctx)]);
  for (const [source, read] of sources) {
    try {
      results.push(await read());
    } catch (error) {
      results.push({ source, error: error instanceof Error ? error.message.split("\n")[0]!.slice(0, 300) : String(error) });
    }
  }
  return recentEventsOutcome(results, ctx.stack.windowHours);
}
