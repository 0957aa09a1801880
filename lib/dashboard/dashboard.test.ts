import { describe, expect, it } from "vitest";
import { logRedactorFor } from "../docker/log-redaction";
import { MASK } from "../docker/mask-env";
import type { StatsSample } from "../docker/stats-sampler";
import { formatAgo, formatBytes, formatDuration, formatPercent } from "../format/units";
import { parseStackConfig } from "../stack/config";
import { logsQuerySchema } from "./logs-response";
import { checkMetricsToken } from "./metrics";
import { bucketSeries } from "./series";
import { serviceConfigFor } from "./service-config";

const sample = (at: number, cpu: number | null, mem: number): StatsSample => ({ at, cpuPercent: cpu, memUsedBytes: mem, memLimitBytes: 100, memPercent: mem, pids: 1 });

describe("bucketSeries", () => {
  it("averages readings into clock-aligned buckets with gaps as null", () => {
    const now = 1_000_000_000_000 + 7_000; // not on a bucket boundary
    const s = bucketSeries([sample(now - 1_000, 10, 100), sample(now - 2_000, 20, 300), sample(now - 5 * 60_000, null, 50), sample(now - 16 * 60_000, 99, 99)], { now });
    expect(s.stepMs).toBe(20_000);
    expect(s.cpu).toHaveLength(45);
    expect(s.from % s.stepMs).toBe(0);
    expect(s.from + 45 * s.stepMs).toBeGreaterThanOrEqual(now);
    expect(s.cpu.at(-1)).toBe(15);
    expect(s.mem.at(-1)).toBe(200);
    expect(s.cpu.filter((v) => v !== null)).toEqual([15]); // the reading without CPU counts for memory only; 16 min ago is out
    expect(s.mem.filter((v) => v !== null)).toEqual([50, 200]);
    // The next poll a second later draws the same buckets.
    expect(bucketSeries([sample(now - 1_000, 10, 100)], { now: now + 1_000 }).from).toBe(s.from);
  });
});

describe("logRedactorFor", () => {
  const redact = logRedactorFor({
    Config: {
      Env: [
        "SECRET_KEY=sk-abcdef0123456789",
        "DATABASE_URL=postgresql://posthog:p%40ss-word-123@db:5432/posthog",
        "SITE_URL=https://posthog.example.com",
        "PGPORT=5432",
        "API_TOKEN=short",
      ],
    } as never,
  });

  it("masks values of secret-named variables and URL passwords (also decoded), leaving the rest", () => {
    expect(redact("booting with key sk-abcdef0123456789 now")).toBe(`booting with key ${MASK} now`);
    expect(redact("connecting to postgresql://posthog:p%40ss-word-123@db:5432/posthog")).toBe(`connecting to postgresql://posthog:${MASK}@db:5432/posthog`);
    expect(redact("password is p@ss-word-123")).toBe(`password is ${MASK}`);
    expect(redact("site https://posthog.example.com on port 5432")).toBe("site https://posthog.example.com on port 5432");
    expect(redact("redis://:other-secret@cache:6379/0")).toBe(`redis://:${MASK}@cache:6379/0`);
    expect(redact("token short stays (too short to mask without mangling)")).toBe("token short stays (too short to mask without mangling)");
  });
});

describe("serviceConfigFor", () => {
  const config = parseStackConfig(
    ["services:", "  db: { kind: postgres, project: posthog, stateful: true }", "  cache: { kind: redis, service: redis }", "  web: { kind: app }"].join("\n"),
    { env: {} },
  );
  it("matches by service name (default the key) and project when the entry names one", () => {
    expect(serviceConfigFor(config, "posthog", "db")).toEqual({ key: "db", kind: "postgres", stateful: true });
    expect(serviceConfigFor(config, "other", "db")).toBeNull();
    expect(serviceConfigFor(config, "anything", "redis")).toEqual({ key: "cache", kind: "redis", stateful: false });
    expect(serviceConfigFor(config, "posthog", "cache")).toBeNull();
    expect(serviceConfigFor(config, null, "web")).toEqual({ key: "web", kind: "app", stateful: false });
    expect(serviceConfigFor(config, "posthog", null)).toBeNull();
  });
});

describe("checkMetricsToken", () => {
  const m = { config: parseStackConfig("metrics: { bearerTokenEnv: METRICS_TOKEN }", { env: {} }) };
  it("is off without a token, 401 for a wrong or missing one, ok for the right one", () => {
    expect(checkMetricsToken(m, "Bearer x", {})).toEqual({ enabled: false });
    expect(checkMetricsToken(m, "Bearer x", { METRICS_TOKEN: "  " })).toEqual({ enabled: false });
    const env = { METRICS_TOKEN: "s3cret-token-value" };
    expect(checkMetricsToken(m, null, env)).toEqual({ enabled: true, ok: false });
    expect(checkMetricsToken(m, "Bearer s3cret-token-valuE", env)).toEqual({ enabled: true, ok: false });
    expect(checkMetricsToken(m, "s3cret-token-value", env)).toEqual({ enabled: true, ok: false });
    expect(checkMetricsToken(m, "Bearer s3cret-token-value", env)).toEqual({ enabled: true, ok: true });
    expect(checkMetricsToken(m, "bearer   s3cret-token-value ", env)).toEqual({ enabled: true, ok: true });
    expect(checkMetricsToken({ config: parseStackConfig("{}", { env: {} }) }, "Bearer s3cret-token-value", env)).toEqual({ enabled: false });
  });
});

describe("logsQuerySchema", () => {
  it("parses tail, since (time or duration ago), flags and format, and refuses the rest", () => {
    const d = logsQuerySchema.parse({});
    expect(d).toMatchObject({ tail: 200, stdout: true, stderr: true, follow: false, format: "sse" });
    expect(d.since).toBeUndefined();
    const q = logsQuerySchema.parse({ tail: "all", since: "15m", follow: "1", stderr: "0", format: "text", filter: "error" });
    expect(q).toMatchObject({ tail: "all", follow: true, stderr: false, format: "text", filter: "error" });
    expect(Math.abs(q.since!.getTime() - (Date.now() - 15 * 60_000))).toBeLessThan(1_000);
    expect(logsQuerySchema.parse({ since: "2026-01-31T09:00:00Z" }).since!.toISOString()).toBe("2026-01-31T09:00:00.000Z");
    for (const bad of [{ tail: "-1" }, { tail: "10001" }, { tail: "x" }, { since: "yesterday" }, { follow: "maybe" }, { format: "html" }, { filter: "x".repeat(201) }]) {
      expect(logsQuerySchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 40)).toBe(false);
    }
  });
});

describe("units", () => {
  it("formats bytes, percent, durations and ages", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(512 * 1024 * 1024)).toBe("512 MiB");
    expect(formatBytes(null)).toBe("—");
    expect(formatPercent(3.14159)).toBe("3.1 %");
    expect(formatPercent(42.4)).toBe("42 %");
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(3 * 3600 + 12 * 60)).toBe("3 h 12 min");
    expect(formatDuration(4 * 86400 + 6 * 3600)).toBe("4 d 6 h");
    expect(formatAgo(new Date(1_000_000).toISOString(), 1_000_000 + 12_000)).toBe("12 s ago");
    expect(formatAgo(null, 0)).toBe("never");
  });
});
