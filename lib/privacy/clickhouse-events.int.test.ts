/**
 * Check 3 read directly from ClickHouse: the real ClickHouse 18.16 of the shared PostHog-like fixture,
 * with an `events` table built like PostHog's (uuid, event, properties JSON string, timestamp, team_id,
 * distinct_id, …) in a database of this run's own (dropped after): a MergeTree `sharded_events` under a
 * Distributed `events` (current layouts) and a plain MergeTree table (old layouts). Clean events and
 * events with `$ip` / `$geoip_country_code` / `$initial_geoip_*` (compact and spaced JSON): the check
 * counts exactly the bad ones, and its evidence never holds an IP.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSharedPosthogFixture } from "@/e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "@/e2e/fixtures/posthog/stack";
import { parseStackConfig } from "../stack/config";
import type { CheckContext } from "./checks/context";
import { checkRecentEvents, clickhouseEventQueries, type EventCounts } from "./checks/recent-events";

let fixture: PosthogFixture;
let ch: ClickHouseClient;
const db = `opsdeck_privacy_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  fixture = await getSharedPosthogFixture();
  ch = createClient({ url: fixture.urls.clickhouse, username: fixture.credentials.clickhouse.user, password: fixture.credentials.clickhouse.password, log: { level: ClickHouseLogLevel.OFF } });
});

afterAll(async () => {
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${db}` }).catch(() => undefined);
  await ch?.close();
  await fixture?.release();
});

const sql = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

type Ev = { uuid: string; properties: Record<string, unknown> | string; hoursAgo: number };

async function insert(table: string, events: Ev[]) {
  const rows = events.map((e) => {
    const props = typeof e.properties === "string" ? e.properties : JSON.stringify(e.properties);
    return `(${sql(e.uuid)}, '$pageview', ${sql(props)}, now() - ${Math.round(e.hoursAgo * 3600)}, 1, ${sql(`d-${e.uuid.slice(0, 8)}`)}, '', now(), now(), 0)`;
  });
  await ch.command({ query: `INSERT INTO ${db}.${table} (uuid, event, properties, timestamp, team_id, distinct_id, elements_chain, created_at, _timestamp, _offset) VALUES ${rows.join(", ")}` });
}

function ctx(table: string): CheckContext {
  const config = parseStackConfig(
    [
      "services:",
      "  clickhouse:",
      "    kind: clickhouse",
      `    connection: { host: 127.0.0.1, port: ${fixture.ports.clickhouseHttp}, user: ${fixture.credentials.clickhouse.user}, passwordEnv: CH_PASSWORD, database: posthog }`,
      "privacy:",
      "  stacks:",
      "    posthog:",
      `      clickhouse: { service: clickhouse, database: ${db}, table: ${table} }`,
    ].join("\n"),
    { env: {} },
  );
  return { stackKey: "posthog", stack: config.privacy!.stacks.posthog!, config, env: { CH_PASSWORD: fixture.credentials.clickhouse.password }, docker: () => { throw new Error("unused"); } };
}

describe("recent events from ClickHouse (18.16, PostHog's events layout)", () => {
  it("counts exactly the events with an IP or GeoIP data in the window, with sample uuids and no IP values", async () => {
    await fixture.exclusive("clickhouse", async () => {
      const version = await (await ch.query({ query: "SELECT version() AS v", format: "JSONEachRow" })).json<{ v: string }>();
      expect(version[0]!.v).toMatch(/^18\.16/);
      // What this server lacks: JSONExtract* (hence the RE2 functions in the check).
      await expect(ch.query({ query: "SELECT JSONExtractString('{\"a\":\"b\"}', 'a')" })).rejects.toThrow(/Unknown function JSONExtractString/);

      await ch.command({ query: `CREATE DATABASE ${db}` });
      await ch.command({ query: `CREATE TABLE ${db}.sharded_events (uuid UUID, event String, properties String, timestamp DateTime('UTC'), team_id Int64, distinct_id String, elements_chain String, created_at DateTime('UTC'), _timestamp DateTime, _offset UInt64) ENGINE = MergeTree() PARTITION BY toYYYYMM(timestamp) ORDER BY (team_id, toDate(timestamp), event, cityHash64(distinct_id))` });
      await ch.command({ query: `CREATE TABLE ${db}.events AS ${db}.sharded_events ENGINE = Distributed('posthog', '${db}', 'sharded_events', sipHash64(distinct_id))` });
      await ch.command({ query: `CREATE TABLE ${db}.events_old AS ${db}.sharded_events ENGINE = MergeTree() ORDER BY (team_id, timestamp)` });

      const ip = "203.0.113.77";
      const clean: Ev[] = Array.from({ length: 6 }, (_, i) => ({ uuid: randomUUID(), hoursAgo: i + 1, properties: { $geoip_disable: true, $current_url: "https://shop.example/", $ip: i % 2 ? "" : null } }));
      const noDisable: Ev = { uuid: randomUUID(), hoursAgo: 2, properties: { $browser: "Firefox" } };
      const nullGeo: Ev = { uuid: randomUUID(), hoursAgo: 2, properties: { $geoip_disable: true, $geoip_city_name: null } };
      const withIp: Ev = { uuid: randomUUID(), hoursAgo: 3, properties: { $geoip_disable: true, $ip: ip } };
      const withIpSpaced: Ev = { uuid: randomUUID(), hoursAgo: 4, properties: `{"$geoip_disable": true, "$ip": "${ip}"}` };
      const withGeo: Ev = { uuid: randomUUID(), hoursAgo: 5, properties: { $geoip_country_code: "DE", $geoip_disable: false } };
      const withInitialGeo: Ev = { uuid: randomUUID(), hoursAgo: 6, properties: { $geoip_disable: true, $set_once: { $initial_geoip_country_code: "FR" } } };
      const both: Ev = { uuid: randomUUID(), hoursAgo: 7, properties: { $ip: ip, $geoip_city_name: "Berlin" } };
      const old: Ev = { uuid: randomUUID(), hoursAgo: 30, properties: { $ip: ip, $geoip_country_code: "DE" } };
      const all = [...clean, noDisable, nullGeo, withIp, withIpSpaced, withGeo, withInitialGeo, both, old];
      const bad = [withIp, withIpSpaced, withGeo, withInitialGeo, both];
      await insert("sharded_events", all);
      await insert("events_old", all);

      for (const table of ["events", "events_old"]) {
        const outcome = await checkRecentEvents(ctx(table));
        expect(outcome.status, table).toBe("fail");
        const source = (outcome.evidence.sources as EventCounts[])[0]!;
        expect(source).toMatchObject({ source: "clickhouse", total: all.length - 1, withIp: 3, withGeoip: 3 });
        // $geoip_disable missing or false: noDisable, withGeo, both.
        expect(source.withoutGeoipDisable).toBe(3);
        expect(source.sampleEventUuids).toHaveLength(5);
        expect(new Set(source.sampleEventUuids)).toEqual(new Set(bad.map((e) => e.uuid)));
        expect(JSON.stringify(outcome)).not.toContain(ip);
        expect(outcome.summary).toContain(`3 of ${all.length - 1} with an IP, 3 with GeoIP data`);
      }

      // A window that ends before the bad events: clean.
      await ch.command({ query: `DROP TABLE ${db}.events_old` });
      await ch.command({ query: `CREATE TABLE ${db}.events_old AS ${db}.sharded_events ENGINE = MergeTree() ORDER BY (team_id, timestamp)` });
      await insert("events_old", clean);
      const pass = await checkRecentEvents(ctx("events_old"));
      expect(pass.status).toBe("pass");
      expect((pass.evidence.sources as EventCounts[])[0]).toMatchObject({ total: 6, withIp: 0, withGeoip: 0, withoutGeoipDisable: 0, sampleEventUuids: [] });
    });
  });

  it("builds only validated identifiers into the SQL", () => {
    expect(() => clickhouseEventQueries("posthog; DROP TABLE x", "events", 24)).toThrow(/invalid ClickHouse database or table name/);
    expect(() => clickhouseEventQueries("posthog", "events", 1.5)).toThrow(/invalid window/);
    expect(clickhouseEventQueries("posthog", "events", 24).counts).toContain("FROM posthog.events WHERE timestamp > now() - toIntervalHour(24)");
  });
});
