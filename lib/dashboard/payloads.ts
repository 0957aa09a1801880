/**
 * The JSON the dashboard and its API serve (GET /api/v1/containers, /api/v1/health,
 * /api/v1/containers/:id), built from the monitor's memory: no Docker call, no database query per
 * request. Environment values never reach these (the container views never read them).
 */
import type { ContainerRow, DashboardSnapshot, EngineRow } from "../docker/dashboard-data";
import type { DiskSnapshot } from "../docker/disk-watch";
import type { MonitoringInstances } from "../docker/monitor-instance";
import { levelAbove, worst, type Level, type Thresholds } from "../docker/thresholds";
import type { NamedProbeResult } from "../probes/run-probes";
import { bucketSeries, type Spark } from "./series";
import { serviceConfigFor } from "./service-config";

export type DashboardContainer = ContainerRow & { spark: Spark | null };
export type DashboardService = { service: string; level: Level; kind: string | null; stateful: boolean; containers: DashboardContainer[] };
export type DashboardStack = { engineId: string; engineName: string; project: string | null; level: Level; services: DashboardService[] };

export type ContainersPayload = {
  generatedAt: string;
  thresholds: Thresholds;
  engines: EngineRow[];
  summary: DashboardSnapshot["summary"];
  stacks: DashboardStack[];
};

export type ProbeView = NamedProbeResult & {
  /** The result is older than three probe intervals (the runner is stuck or the console was busy). */
  outdated: boolean;
  /** What to do, from the runbooks, when the result calls for it. */
  advice: string | null;
};

export type AttentionItem = { level: Exclude<Level, "ok">; subject: string; text: string; containerId?: string; href?: string };

export type HealthPayload = {
  /** Worst of containers, engines, probes and disks. */
  status: Level;
  generatedAt: string;
  configFile: string | null;
  thresholds: Thresholds;
  summary: DashboardSnapshot["summary"];
  engines: EngineRow[];
  probes: { lastRunAt: string | null; intervalMs: number; results: ProbeView[]; notRun: Array<{ name: string; problem: string }> };
  disk: DiskSnapshot;
  /** Everything not ok, worst first, in words. */
  attention: AttentionItem[];
};

export type ContainerPayload = { generatedAt: string; engine: EngineRow; container: DashboardContainer; stateful: boolean; kind: string | null };

export function buildContainersPayload(m: MonitoringInstances, options: { now?: Date; sparklines?: boolean } = {}): ContainersPayload {
  const now = options.now ?? new Date();
  const snapshot = m.monitor.snapshot(now);
  const names = new Map(snapshot.engines.map((e) => [e.id, e.name]));
  const withSpark = options.sparklines ?? true;
  return {
    generatedAt: snapshot.generatedAt,
    thresholds: snapshot.thresholds,
    engines: snapshot.engines,
    summary: snapshot.summary,
    stacks: snapshot.stacks.map((stack) => ({
      engineId: stack.engineId,
      engineName: names.get(stack.engineId) ?? stack.engineId,
      project: stack.project,
      level: stack.level,
      services: stack.services.map((svc) => {
        const info = stack.project !== null ? serviceConfigFor(m.config, stack.project, svc.service) : null;
        return {
          service: svc.service,
          level: svc.level,
          kind: info?.kind ?? null,
          stateful: info?.stateful ?? false,
          containers: svc.containers.map((c) => ({
            ...c,
            spark: withSpark && c.state === "running" ? bucketSeries((visit) => m.monitor.forEachSample(stack.engineId, c.id, visit), { now: now.getTime() }) : null,
          })),
        };
      }),
    })),
  };
}

/** One container from the monitor's memory (by full id), with a finer 15-minute series; null if unknown. */
export function buildContainerPayload(m: MonitoringInstances, id: string, now: Date = new Date()): ContainerPayload | null {
  const snapshot = m.monitor.snapshot(now);
  for (const stack of snapshot.stacks) {
    for (const svc of stack.services) {
      const row = svc.containers.find((c) => c.id === id);
      if (!row) continue;
      const info = serviceConfigFor(m.config, row.project, row.service);
      const engine = snapshot.engines.find((e) => e.id === row.engineId)!;
      const spark = row.state === "running" ? bucketSeries((visit) => m.monitor.forEachSample(row.engineId, row.id, visit), { now: now.getTime(), buckets: 90 }) : null;
      return { generatedAt: snapshot.generatedAt, engine, container: { ...row, spark }, stateful: info?.stateful ?? false, kind: info?.kind ?? null };
    }
  }
  return null;
}

const CLICKHOUSE_DISK = /read.?only|NOT_ENOUGH_SPACE|not enough space|no space left|Cannot reserve/i;

function probeAdvice(result: NamedProbeResult): string | null {
  if (result.type === "clickhouse" && !result.ok && CLICKHOUSE_DISK.test(result.detail)) {
    return "ClickHouse is read-only because its disk is full: free space on the host (old backups, logs, unused images), then restart ClickHouse.";
  }
  if (result.status === "stale") return "The endpoint answers, but its data is not being refreshed: check the service's background sync (worker) and its logs.";
  return null;
}

const PROBE_LEVEL: Record<NamedProbeResult["status"], Level> = { ok: "ok", warn: "warn", critical: "critical", stale: "warn", unknown: "warn" };

/** `extra`: attention items from outside the monitor's memory (the backups' state, read async by the caller). */
export function buildHealthPayload(m: MonitoringInstances, now: Date = new Date(), extra: AttentionItem[] = []): HealthPayload {
  const snapshot = m.monitor.snapshot(now);
  const { results, lastRunAt } = m.probes.results();
  const outdatedAfter = m.probeIntervalMs * 3 + 10_000;
  const probes: ProbeView[] = results.map((r) => ({ ...r, outdated: now.getTime() - Date.parse(r.checkedAt) > outdatedAfter, advice: probeAdvice(r) }));
  const disk = m.disk.latest();
  const attention: AttentionItem[] = [];

  for (const engine of snapshot.engines) {
    if (!engine.reachable) {
      attention.push({
        level: "critical",
        subject: `Engine ${engine.name}`,
        text: engine.lastReachedAt ? `unreachable since ${engine.lastReachedAt}` : `not reached since the console started${engine.lastError ? ` (${engine.lastError})` : ""}`,
      });
    }
  }
  for (const stack of snapshot.stacks) {
    for (const svc of stack.services) {
      for (const c of svc.containers) {
        if (c.levels.overall === "ok") continue;
        // "posthog/web (posthog-web-1)"; a standalone container (grouped under its own name) only once.
        const where = `${stack.project ? `${stack.project}/` : ""}${svc.service}`;
        const subject = svc.service === c.name ? where : `${where} (${c.name})`;
        attention.push({ level: c.levels.overall, subject, text: describeContainer(c, snapshot.thresholds), containerId: c.id });
      }
    }
  }
  for (const p of probes) {
    const level = PROBE_LEVEL[p.status];
    if (level !== "ok") attention.push({ level, subject: `Probe ${p.name}`, text: p.status === "stale" ? `stale: ${p.detail}` : p.detail });
    else if (p.outdated) attention.push({ level: "warn", subject: `Probe ${p.name}`, text: `last result is from ${p.checkedAt}` });
  }
  for (const e of disk.engines) {
    const fs = e.usage?.dataRootFs;
    if (fs && fs.level !== "ok") attention.push({ level: fs.level, subject: `Docker data root ${fs.path}`, text: `${fs.percentUsed.toFixed(1)} % used` });
  }
  for (const p of disk.paths) {
    if (p.usage && p.usage.level !== "ok") attention.push({ level: p.usage.level, subject: `${p.label} (${p.path})`, text: `${p.usage.percentUsed.toFixed(1)} % used` });
    if (p.error) attention.push({ level: "warn", subject: `${p.label} (${p.path})`, text: p.error });
  }
  for (const p of m.probeProblems) attention.push({ level: "warn", subject: `Probe ${p.name}`, text: `not run: ${p.problem}` });
  attention.push(...extra);
  attention.sort((a, b) => (a.level === b.level ? 0 : a.level === "critical" ? -1 : 1));

  return {
    status: worst(...attention.map((a) => a.level)),
    generatedAt: snapshot.generatedAt,
    configFile: m.config.file,
    thresholds: snapshot.thresholds,
    summary: snapshot.summary,
    engines: snapshot.engines,
    probes: { lastRunAt, intervalMs: m.probeIntervalMs, results: probes, notRun: m.probeProblems },
    disk,
    attention,
  };
}

/** Why a container is not ok, in a few words. */
export function describeContainer(c: ContainerRow, t: Thresholds): string {
  const parts: string[] = [];
  if (c.crashLoop) parts.push(`crash loop: ${c.restartsLastHour} restarts in the last hour (limit ${t.restartsPerHour.warn})`);
  if (c.health === "unhealthy") parts.push(`unhealthy${c.failingStreak ? ` (${c.failingStreak} failed checks in a row)` : ""}`);
  if (c.oomKilled) parts.push("killed: out of memory");
  if (c.state === "exited" || c.state === "dead") parts.push(`${c.state}${c.exitCode !== null ? ` with code ${c.exitCode}` : ""}`);
  else if (c.state !== "running" && !(c.state === "restarting" && c.crashLoop)) parts.push(c.state);
  if (c.health === "starting") parts.push("health check starting");
  if (c.stats && levelAbove(c.stats.cpuPercent, t.cpuPercent) !== "ok") parts.push(`CPU ${c.stats.cpuPercent!.toFixed(0)} %`);
  if (c.stats && levelAbove(c.stats.memPercent, t.memoryPercent) !== "ok") parts.push(`memory ${c.stats.memPercent!.toFixed(0)} %`);
  return parts.join("; ") || c.status;
}
