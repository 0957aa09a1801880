/**
 * Runs a set of probes in parallel under one global deadline: the call returns by the deadline
 * whatever the probes do, reporting any that had not finished as `unknown` (a hung probe never
 * blocks the page).
 */
import { probeClickhouse, type ClickhouseProbeSpec } from "./clickhouse";
import { probeDisk, type DiskProbeSpec } from "./disk";
import { probeHttp, type HttpProbeSpec } from "./http";
import { probePostgres, type PostgresProbeSpec } from "./postgres";
import { probeRedis, type RedisProbeSpec } from "./redis";
import { probeTcp, type TcpProbeSpec } from "./tcp";
import { probeTlsExpiry, type TlsProbeSpec } from "./tls-expiry";
import type { ProbeResult } from "./types";

export type ProbeSpec = { name: string; service?: string } & (
  | ({ type: "http" } & HttpProbeSpec)
  | ({ type: "tcp" } & TcpProbeSpec)
  | ({ type: "postgres" } & PostgresProbeSpec)
  | ({ type: "redis" } & RedisProbeSpec)
  | ({ type: "clickhouse" } & ClickhouseProbeSpec)
  | ({ type: "tls" } & TlsProbeSpec)
  | ({ type: "disk" } & DiskProbeSpec)
);

export type NamedProbeResult = ProbeResult & { name: string; type: ProbeSpec["type"]; service: string | null };

export function runProbe(spec: ProbeSpec): Promise<ProbeResult> {
  switch (spec.type) {
    case "http":
      return probeHttp(spec);
    case "tcp":
      return probeTcp(spec);
    case "postgres":
      return probePostgres(spec);
    case "redis":
      return probeRedis(spec);
    case "clickhouse":
      return probeClickhouse(spec);
    case "tls":
      return probeTlsExpiry(spec);
    case "disk":
      return probeDisk(spec);
  }
}

export async function runProbes(specs: readonly ProbeSpec[], options: { deadlineMs?: number } = {}): Promise<NamedProbeResult[]> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const started = performance.now();
  const results: Array<NamedProbeResult | undefined> = new Array(specs.length);
  const named = (spec: ProbeSpec, r: ProbeResult): NamedProbeResult => ({ ...r, name: spec.name, type: spec.type, service: spec.service ?? null });
  const all = Promise.all(
    specs.map(async (spec, i) => {
      try {
        results[i] = named(spec, await runProbe(spec));
      } catch (error) {
        // Probes do not throw; this guards against a bug in one so the others still report.
        results[i] = named(spec, {
          ok: false,
          status: "unknown",
          latencyMs: Math.round(performance.now() - started),
          detail: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
          checkedAt: new Date().toISOString(),
        });
      }
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
  clearTimeout(timer);
  return specs.map(
    (spec, i) =>
      results[i] ??
      named(spec, {
        ok: false,
        status: "unknown",
        latencyMs: Math.round(performance.now() - started),
        detail: `no result within the ${deadlineMs} ms deadline`,
        checkedAt: new Date().toISOString(),
      }),
  );
}
