/**
 * The process's one DockerMonitor and ProbeRunner, built from the stack config (opsdeck.yaml via
 * OPSDECK_CONFIG, or the defaults). Boot starts them where stats are sampled (OPSDECK_ROLE all or
 * worker); lib functions behind pages read `dockerMonitor()` / `probeRunner()`.
 */
import type pg from "pg";
import { log } from "../log/logger";
import { ProbeRunner } from "../probes/probe-runner";
import { engineConfigs, loadStackConfig, probeSpecs, type StackConfig } from "../stack/config";
import { DockerMonitor } from "./dashboard-data";
import { EngineRegistry } from "./engines";
import { PgSampleStore } from "./sample-store";

type Instances = { config: StackConfig; registry: EngineRegistry; monitor: DockerMonitor; probes: ProbeRunner };

const globalForMonitor = globalThis as unknown as { __opsdeckMonitor?: Promise<Instances> };

/** Loads the config and starts monitoring once per process; later calls return the same instances. */
export function startMonitoring(options: { pool?: pg.Pool; refreshMs?: number; probeIntervalMs?: number } = {}): Promise<Instances> {
  globalForMonitor.__opsdeckMonitor ??= (async () => {
    const config = await loadStackConfig();
    const registry = new EngineRegistry(engineConfigs(config));
    const monitor = new DockerMonitor({
      registry,
      thresholds: config.resolvedThresholds,
      store: options.pool ? new PgSampleStore(options.pool) : undefined,
      refreshMs: options.refreshMs,
    });
    await monitor.start();
    const { specs, problems } = probeSpecs(config);
    for (const p of problems) log.warn("probe not run", { probe: p.name, problem: p.problem });
    const probes = new ProbeRunner(specs, { intervalMs: options.probeIntervalMs });
    probes.start();
    log.info("monitoring started", { config: config.file ?? "(none)", engines: registry.ids(), probes: specs.length });
    return { config, registry, monitor, probes };
  })();
  return globalForMonitor.__opsdeckMonitor;
}

export async function stopMonitoring(): Promise<void> {
  const running = globalForMonitor.__opsdeckMonitor;
  globalForMonitor.__opsdeckMonitor = undefined;
  if (!running) return;
  const { monitor, probes } = await running.catch(() => ({ monitor: null, probes: null }));
  probes?.stop();
  await monitor?.stop();
}
