/**
 * The process's one DockerMonitor, ProbeRunner and DiskWatcher, built from the stack config
 * (opsdeck.yaml via OPSDECK_CONFIG, or the defaults). server.ts starts them at boot where pages
 * are served (OPSDECK_ROLE web or all: the dashboard reads their memory); route handlers and
 * pages call `ensureMonitoring()`, which returns the running instances or starts them on first use.
 *
 * Next.js route code runs in the same process as server.ts but in another module graph (its own
 * copy of this module), so the instances live on globalThis, not in a module variable.
 */
import path from "node:path";
import type pg from "pg";
import { rawEnv } from "../config/env";
import { pool } from "../db/pool";
import { log } from "../log/logger";
import { ProbeRunner } from "../probes/probe-runner";
import { engineConfigs, loadStackConfig, probeSpecs, type StackConfig } from "../stack/config";
import { DockerMonitor } from "./dashboard-data";
import { DiskWatcher } from "./disk-watch";
import { EngineRegistry } from "./engines";
import { PgRestartStore } from "./restart-store";
import { PgSampleStore } from "./sample-store";

export type MonitoringInstances = {
  config: StackConfig;
  registry: EngineRegistry;
  monitor: DockerMonitor;
  probes: ProbeRunner;
  disk: DiskWatcher;
  /** The 24-hour one-minute points (null when started without a database). */
  store: PgSampleStore | null;
  probeIntervalMs: number;
  /** Configured probes that cannot run (their secret's environment variable is not set). */
  probeProblems: Array<{ name: string; problem: string }>;
  startedAt: string;
};

export const DEFAULT_PROBE_INTERVAL_MS = 15_000;

const globalForMonitor = globalThis as unknown as { __opsdeckMonitor?: Promise<MonitoringInstances> };

export type StartMonitoringOptions = {
  pool?: pg.Pool;
  refreshMs?: number;
  probeIntervalMs?: number;
  /** The console's data directory (its disk usage is shown); default OPSDECK_DATA_DIR. */
  dataDir?: string;
};

/** Loads the config and starts monitoring once per process; later calls return the same instances. */
export function startMonitoring(options: StartMonitoringOptions = {}): Promise<MonitoringInstances> {
  globalForMonitor.__opsdeckMonitor ??= (async () => {
    const config = await loadStackConfig();
    const registry = new EngineRegistry(engineConfigs(config));
    const store = options.pool ? new PgSampleStore(options.pool) : null;
    const monitor = new DockerMonitor({
      registry,
      thresholds: config.resolvedThresholds,
      store: store ?? undefined,
      restartStore: options.pool ? new PgRestartStore(options.pool) : undefined,
      refreshMs: options.refreshMs,
    });
    // An engine that does not answer is recorded as unreachable and retried in the background.
    await monitor.start();
    const { specs, problems } = probeSpecs(config);
    for (const p of problems) log.warn("probe not run", { probe: p.name, problem: p.problem });
    const probeIntervalMs = options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    const probes = new ProbeRunner(specs, { intervalMs: probeIntervalMs });
    probes.start();
    const dataDir = options.dataDir ?? rawEnv().OPSDECK_DATA_DIR;
    const disk = new DiskWatcher({
      registry,
      limits: config.resolvedThresholds.diskPercent,
      paths: [
        ...(dataDir ? [{ label: "Console data", path: path.resolve(/*turbopackIgnore: true*/ dataDir) }] : []),
        ...config.disk.paths.map((p) => ({ label: p, path: path.resolve(/*turbopackIgnore: true*/ p) })),
      ],
    });
    disk.start();
    log.info("monitoring started", { config: config.file ?? "(none)", engines: registry.ids(), probes: specs.length });
    return { config, registry, monitor, probes, disk, store, probeIntervalMs, probeProblems: problems, startedAt: new Date().toISOString() };
  })();
  return globalForMonitor.__opsdeckMonitor;
}

/**
 * The running instances, or a start now (with the console's database for the 24-hour samples).
 * A failed start (an invalid config file) is not kept: the next call tries again.
 */
export function ensureMonitoring(): Promise<MonitoringInstances> {
  const running = globalForMonitor.__opsdeckMonitor;
  if (running) return running;
  const started = startMonitoring({ pool: pool() });
  started.catch(() => {
    if (globalForMonitor.__opsdeckMonitor === started) globalForMonitor.__opsdeckMonitor = undefined;
  });
  return started;
}

/** True once a start has been asked for in this process (by boot or a first request). */
export function monitoringRequested(): boolean {
  return globalForMonitor.__opsdeckMonitor !== undefined;
}

export async function stopMonitoring(): Promise<void> {
  const running = globalForMonitor.__opsdeckMonitor;
  globalForMonitor.__opsdeckMonitor = undefined;
  if (!running) return;
  const instances = await running.catch(() => null);
  if (!instances) return;
  instances.probes.stop();
  instances.disk.stop();
  await instances.monitor.stop();
}
