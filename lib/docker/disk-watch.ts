/**
 * Disk usage for the dashboard's "host and volumes" panel, measured in the background so a page
 * never waits for it: `docker system df` per engine (it walks every volume: every 5 minutes by
 * default) and statfs of the console's own directories (data dir, backup dirs from the config's
 * `disk.paths`: every 30 s, it is cheap). Pages read `latest()`.
 */
import { diskUsage, type DiskUsage } from "../probes/disk";
import { log } from "../log/logger";
import { dockerDiskUsage, type DockerDiskUsage } from "./disk-usage";
import type { EngineRegistry } from "./engines";
import { DEFAULT_THRESHOLDS, type UpperLimits } from "./thresholds";

export type EngineDisk = { engineId: string; usage: DockerDiskUsage | null; error: string | null; checkedAt: string | null };
export type PathDisk = { label: string; path: string; usage: DiskUsage | null; error: string | null };

export type DiskSnapshot = { engines: EngineDisk[]; paths: PathDisk[]; measuredAt: string | null };

export type DiskWatcherOptions = {
  registry: EngineRegistry;
  /** Directories of the console (label → path). */
  paths: Array<{ label: string; path: string }>;
  limits?: UpperLimits;
  engineIntervalMs?: number;
  pathIntervalMs?: number;
};

export class DiskWatcher {
  private readonly engines = new Map<string, EngineDisk>();
  private paths: PathDisk[];
  private measuredAt: string | null = null;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly options: DiskWatcherOptions) {
    for (const id of options.registry.ids()) this.engines.set(id, { engineId: id, usage: null, error: null, checkedAt: null });
    this.paths = options.paths.map((p) => ({ ...p, usage: null, error: null }));
  }

  start(): void {
    if (this.timers.length) return;
    void this.measureEngines();
    void this.measurePaths();
    const a = setInterval(() => void this.measureEngines(), this.options.engineIntervalMs ?? 5 * 60_000);
    const b = setInterval(() => void this.measurePaths(), this.options.pathIntervalMs ?? 30_000);
    a.unref();
    b.unref();
    this.timers = [a, b];
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** `docker system df` of every reachable engine (one run at a time). */
  measureEngines(): Promise<void> {
    this.running ??= (async () => {
      const registry = this.options.registry;
      await Promise.all(
        registry.ids().map(async (id) => {
          const entry = this.engines.get(id)!;
          try {
            const engine = registry.get(id);
            // The data root's filesystem is only this machine's when the engine is on a local socket.
            entry.usage = await dockerDiskUsage(engine.docker, id, { local: engine.config.kind === "socket", limits: this.limits() });
            entry.error = null;
          } catch (error) {
            entry.error = error instanceof Error ? error.message.split("\n")[0]!.slice(0, 200) : String(error);
            log.debug("disk usage: docker system df failed", { engine: id, error });
          }
          entry.checkedAt = new Date().toISOString();
        }),
      );
      this.measuredAt = new Date().toISOString();
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async measurePaths(): Promise<void> {
    this.paths = await Promise.all(
      this.paths.map(async (p) => {
        try {
          return { ...p, usage: await diskUsage(p.path, this.limits()), error: null };
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          return { ...p, usage: null, error: code === "ENOENT" ? "does not exist" : (code ?? String(error)) };
        }
      }),
    );
  }

  latest(): DiskSnapshot {
    return { engines: [...this.engines.values()].map((e) => ({ ...e })), paths: this.paths.map((p) => ({ ...p })), measuredAt: this.measuredAt };
  }

  private limits(): UpperLimits {
    return this.options.limits ?? DEFAULT_THRESHOLDS.diskPercent;
  }
}
