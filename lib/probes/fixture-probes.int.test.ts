/**
 * Probes against the real servers of the PostHog-like fixture (Postgres 15, Redis 7, ClickHouse
 * 18.16, the web app's /health JSON), and the shipped opsdeck.example.yaml wired to it.
 */
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import { exampleConfigEnv, POSTHOG_SERVICES, type PosthogFixture, type PosthogService } from "../../e2e/fixtures/posthog/stack";
import { parseStackConfig, probeSpecs } from "../stack/config";
import { probeClickhouse } from "./clickhouse";
import { probeHttp } from "./http";
import { probePostgres } from "./postgres";
import { probeRedis } from "./redis";
import { runProbes, type NamedProbeResult } from "./run-probes";

let fixture: PosthogFixture;

beforeAll(async () => {
  fixture = await getSharedPosthogFixture();
}, 180_000);

afterAll(async () => {
  await fixture?.release();
});

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe("probes against the fixture's real servers", () => {
  it("Postgres: SELECT 1 with the right password; a wrong one is critical and not echoed", async () => {
    await fixture.exclusive("db", async () => {
      const ok = await probePostgres({ url: fixture.urls.postgres });
      expect(ok).toMatchObject({ ok: true, status: "ok", data: { version: expect.stringMatching(/^15\./) } });
      const bad = await probePostgres({ url: withPassword(fixture.urls.postgres, "wrong-password-123") });
      expect(bad).toMatchObject({ ok: false, status: "critical", detail: expect.stringContaining("password authentication failed") });
      expect(bad.detail).not.toContain("wrong-password-123");
    });
  });

  it("Redis: PING with the password; without it, critical", async () => {
    // Other files restart redis on the shared stack (the dashboard's service restart).
    await fixture.exclusive("redis", async () => {
      expect(await probeRedis({ url: fixture.urls.redis })).toMatchObject({ ok: true, status: "ok", detail: expect.stringContaining("PONG") });
      const bad = await probeRedis({ url: `redis://127.0.0.1:${fixture.ports.redis}` });
      expect(bad).toMatchObject({ ok: false, status: "critical", detail: expect.stringMatching(/NOAUTH/) });
    });
  });

  it("ClickHouse: /ping and SELECT 1 over HTTP; a wrong password is critical", async () => {
    const ch = fixture.credentials.clickhouse;
    // Other files hold and restore clickhouse on the shared stack (backups): take it while probing.
    await fixture.exclusive("clickhouse", async () => {
      const ok = await probeClickhouse({ url: fixture.urls.clickhouse, username: ch.user, password: ch.password, database: ch.database });
      expect(ok).toMatchObject({ ok: true, status: "ok", data: { version: expect.stringMatching(/^18\.16/) } });
      const bad = await probeClickhouse({ url: fixture.urls.clickhouse, username: ch.user, password: "nope-nope", database: ch.database });
      expect(bad).toMatchObject({ ok: false, status: "critical" });
      expect(bad.detail).not.toContain(ch.password);
    });
  });

  it("web /health: fresh last_sync is ok; frozen 30 minutes back it is stale; resumed it is ok again", async () => {
    const rule = { field: "last_sync", maxAgeMinutes: 10 };
    await fixture.exclusive("web", async () => {
      expect(await probeHttp({ url: fixture.urls.webHealth, json: { field: "status", equals: "ok" } })).toMatchObject({ ok: true, status: "ok" });
      expect(await probeHttp({ url: fixture.urls.webHealth, json: rule })).toMatchObject({ ok: true, status: "ok" });
      await fixture.setLastSync(new Date(Date.now() - 30 * 60_000));
      try {
        const stale = await probeHttp({ url: fixture.urls.webHealth, json: rule });
        expect(stale).toMatchObject({ ok: false, status: "stale", data: { statusCode: 200 } });
        expect(stale.detail).toMatch(/last_sync is 30 min old \(limit 10 min\)/);
      } finally {
        await fixture.resumeSync();
      }
      expect(await probeHttp({ url: fixture.urls.webHealth, json: rule })).toMatchObject({ ok: true, status: "ok" });
    });
  });

  it("runs every probe of opsdeck.example.yaml against the fixture: all ok", async () => {
    const text = await readFile(path.join(process.cwd(), "opsdeck.example.yaml"), "utf8");
    const env = { ...exampleConfigEnv(fixture.info), OPSDECK_DATA_DIR: tmpdir() };
    const config = parseStackConfig(text, { env });
    const { specs, problems } = probeSpecs(config, env);
    expect(problems).toEqual([]);
    // Each probe under the lock of the one fixture service it reads: single locks, one after the
    // other (nested locks across files could deadlock).
    const results: NamedProbeResult[] = [];
    for (const spec of specs) {
      const service = (POSTHOG_SERVICES as readonly string[]).includes(spec.service ?? "") ? (spec.service as PosthogService) : null;
      const probe = () => runProbes([spec], { deadlineMs: 15_000 });
      results.push(...(service ? await fixture.exclusive(service, probe) : await probe()));
    }
    for (const r of results) expect(r, `${r.name}: ${r.detail}`).toMatchObject({ ok: true });
    expect(results.map((r) => r.name)).toEqual([
      "PostHog web status",
      "PostHog web freshness",
      "Postgres answers",
      "ClickHouse answers",
      "Redis answers",
      "Console and backup disks",
    ]);
  });
});
