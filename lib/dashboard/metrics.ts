/**
 * Prometheus `/metrics` (prom-client text format): container state, health, restarts, CPU,
 * memory; engine reachability; probe results; disk use — the dashboard's numbers, from the same
 * memory (no Docker call per scrape), plus the console process's own default metrics.
 *
 * Protected by a bearer token whose environment variable opsdeck.yaml names
 * (`metrics.bearerTokenEnv`); without one configured (or with it empty) the endpoint is off (404).
 * A missing or wrong token is 401. Prometheus: `authorization: { credentials_file: … }`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { rawEnv } from "../config/env";
import { shortId } from "../docker/container-id";
import type { ContainerState, HealthStatus } from "../docker/list-containers";
import type { MonitoringInstances } from "../docker/monitor-instance";
import type { ProbeStatus } from "../probes/types";
import { monitoringOrError } from "./api";
import { buildHealthPayload } from "./payloads";

const CONTAINER_STATES: ContainerState[] = ["created", "running", "paused", "restarting", "removing", "exited", "dead"];
const HEALTH_STATES: HealthStatus[] = ["healthy", "unhealthy", "starting", "none"];
const PROBE_STATES: ProbeStatus[] = ["ok", "warn", "critical", "stale", "unknown"];

const globalForMetrics = globalThis as unknown as { __opsdeckProcessMetrics?: Registry };

/** The console process's own metrics (CPU, memory, event loop), registered once per process. */
function processRegistry(): Registry {
  if (!globalForMetrics.__opsdeckProcessMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: "opsdeck_" });
    globalForMetrics.__opsdeckProcessMetrics = registry;
  }
  return globalForMetrics.__opsdeckProcessMetrics;
}

export type MetricsAuth = { enabled: false } | { enabled: true; ok: boolean };

/** Checks the Authorization header against the token named by the config. */
export function checkMetricsToken(m: Pick<MonitoringInstances, "config">, authorization: string | null, env = rawEnv()): MetricsAuth {
  const name = m.config.metrics.bearerTokenEnv;
  const expected = name ? env[name]?.trim() : undefined;
  if (!expected) return { enabled: false };
  const given = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "")?.[1]?.trim() ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return { enabled: true, ok: given.length > 0 && timingSafeEqual(digest(given), digest(expected)) };
}

/** The scrape's registry: a fresh one per scrape (values set from the current snapshot). */
export function collectMetrics(m: MonitoringInstances, now: Date = new Date()): Registry {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const cLabels = ["engine", "project", "service", "container", "id"] as const;
  const state = gauge("opsdeck_container_state", "1 for the container's current state (one series per state)", [...cLabels, "state"]);
  const health = gauge("opsdeck_container_health", "1 for the container's current health status (one series per status)", [...cLabels, "health"]);
  const up = gauge("opsdeck_container_running", "1 when the container is running", cLabels);
  const restartCount = gauge("opsdeck_container_restart_count", "Restarts by the restart policy (Docker's RestartCount; a manual restart resets it)", cLabels);
  const restartsHour = gauge("opsdeck_container_restarts_last_hour", "Restarts seen in the last hour", cLabels);
  const crashLoop = gauge("opsdeck_container_crash_loop", "1 when restarts in the last hour exceed the limit", cLabels);
  const cpu = gauge("opsdeck_container_cpu_percent", "CPU use in percent of one core (as docker stats shows it)", cLabels);
  const memUsed = gauge("opsdeck_container_memory_used_bytes", "Memory used (without inactive page cache)", cLabels);
  const memLimit = gauge("opsdeck_container_memory_limit_bytes", "Memory limit (the host's memory when unlimited)", cLabels);
  const memPercent = gauge("opsdeck_container_memory_percent", "Memory used in percent of the limit", cLabels);
  const uptime = gauge("opsdeck_container_uptime_seconds", "Seconds since the container started", cLabels);
  const level = gauge("opsdeck_container_alert_level", "0 ok, 1 warn, 2 critical (the dashboard's badge)", cLabels);

  const engineUp = gauge("opsdeck_engine_up", "1 when the Docker engine answered its last check", ["engine", "name"]);
  const engineSeen = gauge("opsdeck_engine_last_reached_timestamp_seconds", "When the engine last answered (unix time)", ["engine", "name"]);

  const probeUp = gauge("opsdeck_probe_up", "1 when the probe's target answered as expected", ["probe", "type", "service"]);
  const probeStatus = gauge("opsdeck_probe_status", "1 for the probe's current status (one series per status)", ["probe", "type", "service", "status"]);
  const probeLatency = gauge("opsdeck_probe_latency_seconds", "Time the last probe run took", ["probe", "type", "service"]);
  const probeAge = gauge("opsdeck_probe_last_run_timestamp_seconds", "When the probe last finished (unix time)", ["probe", "type", "service"]);

  const diskPercent = gauge("opsdeck_disk_used_percent", "Percent used of a filesystem the dashboard watches", ["kind", "path", "label"]);
  const diskFree = gauge("opsdeck_disk_available_bytes", "Bytes available to unprivileged users", ["kind", "path", "label"]);
  const volumeSize = gauge("opsdeck_volume_size_bytes", "Size of a named Docker volume (docker system df)", ["engine", "volume", "project"]);

  const LEVEL = { ok: 0, warn: 1, critical: 2 } as const;
  const snapshot = m.monitor.snapshot(now);
  for (const stack of snapshot.stacks) {
    for (const svc of stack.services) {
      for (const c of svc.containers) {
        const l = { engine: c.engineId, project: c.project ?? "", service: c.service ?? "", container: c.name, id: shortId(c.id) };
        for (const s of CONTAINER_STATES) state.set({ ...l, state: s }, c.state === s ? 1 : 0);
        for (const h of HEALTH_STATES) health.set({ ...l, health: h }, c.health === h ? 1 : 0);
        up.set(l, c.state === "running" ? 1 : 0);
        restartCount.set(l, c.restartCount);
        restartsHour.set(l, c.restartsLastHour);
        crashLoop.set(l, c.crashLoop ? 1 : 0);
        level.set(l, LEVEL[c.levels.overall]);
        if (c.uptimeSeconds !== null) uptime.set(l, c.uptimeSeconds);
        if (c.stats) {
          if (c.stats.cpuPercent !== null) cpu.set(l, c.stats.cpuPercent);
          memUsed.set(l, c.stats.memUsedBytes);
          memLimit.set(l, c.stats.memLimitBytes);
          if (c.stats.memPercent !== null) memPercent.set(l, c.stats.memPercent);
        }
      }
    }
  }
  for (const e of snapshot.engines) {
    engineUp.set({ engine: e.id, name: e.name }, e.reachable ? 1 : 0);
    if (e.lastReachedAt) engineSeen.set({ engine: e.id, name: e.name }, Date.parse(e.lastReachedAt) / 1000);
  }
  const overview = buildHealthPayload(m, now);
  for (const p of overview.probes.results) {
    const l = { probe: p.name, type: p.type, service: p.service ?? "" };
    probeUp.set(l, p.ok ? 1 : 0);
    for (const s of PROBE_STATES) probeStatus.set({ ...l, status: s }, p.status === s ? 1 : 0);
    probeLatency.set(l, p.latencyMs / 1000);
    probeAge.set(l, Date.parse(p.checkedAt) / 1000);
  }
  for (const e of overview.disk.engines) {
    const fs = e.usage?.dataRootFs;
    if (fs) {
      diskPercent.set({ kind: "docker-data-root", path: fs.path, label: e.engineId }, fs.percentUsed);
      diskFree.set({ kind: "docker-data-root", path: fs.path, label: e.engineId }, fs.availableBytes);
    }
    for (const v of e.usage?.volumes ?? []) if (v.sizeBytes !== null) volumeSize.set({ engine: e.engineId, volume: v.name, project: v.project ?? "" }, v.sizeBytes);
  }
  for (const p of overview.disk.paths) {
    if (!p.usage) continue;
    diskPercent.set({ kind: "console", path: p.path, label: p.label }, p.usage.percentUsed);
    diskFree.set({ kind: "console", path: p.path, label: p.label }, p.usage.availableBytes);
  }
  return Registry.merge([registry, processRegistry()]);
}

/** GET /metrics */
export async function metricsResponse(authorization: string | null): Promise<Response> {
  const m = await monitoringOrError();
  if (m instanceof Response) return m;
  const auth = checkMetricsToken(m, authorization);
  const text = (status: number, body: string, headers: Record<string, string> = {}) =>
    new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } });
  if (!auth.enabled) return text(404, "Metrics are off: set metrics.bearerTokenEnv in opsdeck.yaml and put the token in that environment variable.\n");
  if (!auth.ok) return text(401, "A valid bearer token is required.\n", { "www-authenticate": 'Bearer realm="opsdeck-metrics"' });
  const registry = collectMetrics(m);
  return new Response(await registry.metrics(), { status: 200, headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
