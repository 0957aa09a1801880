/**
 * The health dashboard's container data, kept current in the background so a page request only
 * reads memory: per engine, a container listing refreshed on Docker events (debounced) and every
 * few seconds, the restart tracker fed by the same events, and the stats sampler synced with the
 * running set. `snapshot()` joins them with the thresholds into rows grouped by stack and service.
 *
 * An engine that does not answer keeps its last listing (marked stale by `refreshedAt`) and its
 * status says since when it has not been reached; the other engines are unaffected.
 */
import type { Readable } from "node:stream";
import { log } from "../log/logger";
import { EngineRegistry, type EngineStatus } from "./engines";
import { groupByStack, listContainers, type ContainerView } from "./list-containers";
import type { RestartStore } from "./restart-store";
import { HOUR_MS, RestartTracker, consumeJsonLines, type DockerEvent } from "./restarts";
import { StatsSampler, type SampleStore, type StatsSample } from "./stats-sampler";
import { DEFAULT_THRESHOLDS, isCrashLoop, levelAbove, worst, type Level, type Thresholds } from "./thresholds";

export type ContainerStats = { at: string; cpuPercent: number | null; memUsedBytes: number; memLimitBytes: number; memPercent: number | null };

export type ContainerRow = ContainerView & {
  restartsLastHour: number;
  crashLoop: boolean;
  /** Latest sampler reading; null when not running or no reading yet. */
  stats: ContainerStats | null;
  levels: { cpu: Level; memory: Level; restarts: Level; state: Level; overall: Level };
  /** Sort key: lower needs attention first (crash loop, unhealthy, exited, warnings, then the rest). */
  attention: number;
};

export type ServiceRow = { service: string; level: Level; containers: ContainerRow[] };
export type StackRow = { engineId: string; project: string | null; level: Level; services: ServiceRow[] };

export type EngineRow = EngineStatus & {
  /** When the listing shown was last refreshed (null: never listed). */
  refreshedAt: string | null;
};

export type DashboardSnapshot = {
  generatedAt: string;
  thresholds: Thresholds;
  engines: EngineRow[];
  stacks: StackRow[];
  summary: { containers: number; running: number; stopped: number; unhealthy: number; crashLooping: number; warnings: number; critical: number };
};

export type DockerMonitorOptions = {
  registry: EngineRegistry;
  thresholds?: Thresholds;
  /** Where the sampler writes one-minute points (Postgres); none: memory only. */
  store?: SampleStore;
  /** Where restarts are kept (Postgres) so the last hour's survive a console restart; none: events only. */
  restartStore?: RestartStore;
  /** Periodic re-listing (default 5 s); Docker events trigger one sooner. */
  refreshMs?: number;
  debounceMs?: number;
  statsHistoryMs?: number;
};

type EngineState = {
  id: string;
  views: ContainerView[];
  refreshedAt: string | null;
  sampler: StatsSampler;
  tracker: RestartTracker;
  events: Readable | null;
  /** timeNano of the newest event processed. */
  lastEventNano: number;
  refreshing: Promise<void> | null;
  again: boolean;
  debounce: NodeJS.Timeout | null;
  reconnect: NodeJS.Timeout | null;
};

/** Container events followed (healthcheck exec_* events, several a second, are not needed). */
const LIFECYCLE_EVENTS = ["create", "start", "restart", "die", "stop", "kill", "destroy", "pause", "unpause", "oom", "rename", "update", "health_status"] as const;

/** Event actions that change what the listing shows. */
const RELIST_ACTIONS = /^(create|start|restart|die|stop|kill|destroy|pause|unpause|oom|rename|update|health_status)/;

export class DockerMonitor {
  private readonly states = new Map<string, EngineState>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly thresholds: Thresholds;

  constructor(private readonly options: DockerMonitorOptions) {
    this.thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
    for (const id of options.registry.ids()) {
      const engine = options.registry.get(id);
      this.states.set(id, {
        id,
        views: [],
        refreshedAt: null,
        sampler: new StatsSampler({ docker: engine.streaming, engineId: id, store: options.store, historyMs: options.statsHistoryMs }),
        tracker: new RestartTracker(HOUR_MS, (containerId, at) => {
          options.restartStore?.record(id, containerId, at).catch(() => undefined); // best effort: the count in memory stands
        }),
        events: null,
        lastEventNano: 0,
        refreshing: null,
        again: false,
        debounce: null,
        reconnect: null,
      });
    }
  }

  /** First listing of every engine, the past hour of events, then live events and periodic refresh. */
  async start(): Promise<void> {
    await Promise.all(
      [...this.states.values()].map(async (state) => {
        await this.seedRestarts(state);
        const status = await this.options.registry.check(state.id);
        if (!status.reachable) {
          // Keep trying in the background: the periodic refresh and the event re-subscription retry.
          this.scheduleResubscribe(state);
          state.sampler.start();
          return;
        }
        // One events stream from an hour back: the engine sends its recent past, then goes on live,
        // so the restarts of the last hour are known at once and no event falls in a gap.
        await this.subscribe(state, Math.floor((Date.now() - HOUR_MS) / 1000));
        await this.refresh(state.id);
        state.sampler.start();
      }),
    );
    this.timer = setInterval(() => {
      for (const id of this.states.keys()) void this.refresh(id);
    }, this.options.refreshMs ?? 5_000);
    this.timer.unref();
  }

  /** The last hour's restarts from the store (a day is kept); a store that fails only loses history. */
  private async seedRestarts(state: EngineState): Promise<void> {
    const store = this.options.restartStore;
    if (!store) return;
    try {
      const known = await store.since(state.id, Date.now() - HOUR_MS);
      for (const [containerId, times] of known) state.tracker.seed(containerId, times);
      await store.prune(Date.now() - 24 * HOUR_MS);
    } catch (error) {
      log.warn("Restarts of the last hour could not be read from the database; only the engine's replayed events count", { engine: state.id, error });
    }
  }

  /** Re-lists one engine (or all) now; concurrent calls share one listing and queue one more. */
  async refresh(engineId?: string): Promise<void> {
    if (engineId === undefined) {
      await Promise.all([...this.states.keys()].map((id) => this.refresh(id)));
      return;
    }
    const state = this.states.get(engineId);
    if (!state || this.stopped) return;
    if (state.refreshing) {
      state.again = true;
      return state.refreshing;
    }
    state.refreshing = (async () => {
      do {
        state.again = false;
        await this.listOnce(state);
      } while (state.again && !this.stopped);
    })().finally(() => {
      state.refreshing = null;
    });
    return state.refreshing;
  }

  private async listOnce(state: EngineState): Promise<void> {
    const registry = this.options.registry;
    try {
      const { docker } = registry.get(state.id);
      const views = await listContainers(docker, state.id);
      const now = Date.now();
      for (const v of views) state.tracker.observeRestartCount(v.id, v.restartCount, now);
      state.tracker.retain(views.map((v) => v.id));
      state.views = views;
      state.refreshedAt = new Date(now).toISOString();
      registry.markReached(state.id);
      state.sampler.sync(
        views.filter((v) => v.state === "running").map((v) => ({ id: v.id, name: v.name, project: v.project, service: v.service })),
      );
    } catch (error) {
      registry.markFailed(state.id, error);
    }
  }

  /**
   * Follows the engine's container events from `since` (seconds). Resolves once the backlog the
   * engine replays has been read (a quiet moment, or a live event), at most after 3 s.
   */
  private async subscribe(state: EngineState, since?: number): Promise<void> {
    if (this.stopped) return;
    const { streaming } = this.options.registry.get(state.id);
    const openedAt = Date.now();
    let stream: Readable;
    try {
      stream = (await streaming.getEvents({ since, filters: { type: ["container"], event: [...LIFECYCLE_EVENTS] } })) as unknown as Readable;
    } catch (error) {
      this.options.registry.markFailed(state.id, error);
      this.scheduleResubscribe(state);
      return;
    }
    if (this.stopped) {
      stream.destroy();
      return;
    }
    state.events = stream;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    let quiet = setTimeout(settle, 200);
    const hardStop = setTimeout(settle, 3_000);
    void consumeJsonLines(stream, (value) => {
      const event = value as DockerEvent;
      const nano = event.timeNano ?? (event.time ?? 0) * 1e9;
      // After a reconnect the engine repeats the events of the second we resumed from.
      if (nano && nano <= state.lastEventNano) return;
      state.lastEventNano = Math.max(state.lastEventNano, nano);
      state.tracker.observeEvent(event);
      if (RELIST_ACTIONS.test(event.Action ?? event.status ?? "")) this.scheduleRefresh(state);
      clearTimeout(quiet);
      if (nano / 1e6 >= openedAt) settle();
      else quiet = setTimeout(settle, 200);
    })
      .catch(() => undefined)
      .finally(() => {
        settle();
        if (state.events === stream) state.events = null;
        this.scheduleResubscribe(state);
      });
    await settled;
    clearTimeout(quiet);
    clearTimeout(hardStop);
  }

  private scheduleResubscribe(state: EngineState): void {
    if (this.stopped || state.reconnect) return;
    state.reconnect = setTimeout(() => {
      state.reconnect = null;
      // Resume from the last event seen (or an hour back), so nothing in between is missed.
      const since = state.lastEventNano ? Math.floor(state.lastEventNano / 1e9) : Math.floor((Date.now() - HOUR_MS) / 1000);
      void this.refresh(state.id);
      void this.subscribe(state, since);
    }, 5_000);
    state.reconnect.unref();
  }

  private scheduleRefresh(state: EngineState): void {
    if (state.debounce || this.stopped) return;
    state.debounce = setTimeout(() => {
      state.debounce = null;
      void this.refresh(state.id);
    }, this.options.debounceMs ?? 250);
    state.debounce.unref();
  }

  latestStats(engineId: string, containerId: string): StatsSample | undefined {
    return this.states.get(engineId)?.sampler.latest(containerId);
  }

  /** The 15-minute history of one container (for its sparklines). */
  statsHistory(engineId: string, containerId: string): StatsSample[] {
    return this.states.get(engineId)?.sampler.history(containerId) ?? [];
  }

  /** Visits one container's retained readings, oldest first (no copy: the dashboard API calls this per container per request). */
  forEachSample(engineId: string, containerId: string, fn: (sample: StatsSample) => void): void {
    this.states.get(engineId)?.sampler.forEachSample(containerId, fn);
  }

  sampler(engineId: string): StatsSampler | undefined {
    return this.states.get(engineId)?.sampler;
  }

  /** The dashboard's data, from memory (no Docker call). */
  snapshot(now: Date = new Date()): DashboardSnapshot {
    const rows: ContainerRow[] = [];
    const engines: EngineRow[] = [];
    for (const state of this.states.values()) {
      engines.push({ ...this.options.registry.status(state.id), refreshedAt: state.refreshedAt });
      for (const view of state.views) rows.push(this.row(state, view, now));
    }
    const stacks: StackRow[] = groupByStack(rows).map((stack) => {
      const services: ServiceRow[] = stack.services.map((s) => {
        const containers = s.containers as ContainerRow[];
        return { service: s.service, level: worst(...containers.map((c) => c.levels.overall)), containers };
      });
      return { engineId: stack.engineId, project: stack.project, level: worst(...services.map((s) => s.level)), services };
    });
    return {
      generatedAt: now.toISOString(),
      thresholds: this.thresholds,
      engines,
      stacks,
      summary: {
        containers: rows.length,
        running: rows.filter((r) => r.state === "running").length,
        stopped: rows.filter((r) => r.state === "exited" || r.state === "dead" || r.state === "created").length,
        unhealthy: rows.filter((r) => r.health === "unhealthy").length,
        crashLooping: rows.filter((r) => r.crashLoop).length,
        warnings: rows.filter((r) => r.levels.overall === "warn").length,
        critical: rows.filter((r) => r.levels.overall === "critical").length,
      },
    };
  }

  private row(state: EngineState, view: ContainerView, now: Date): ContainerRow {
    const t = this.thresholds;
    const restartsLastHour = state.tracker.restartsInWindow(view.id, now.getTime());
    // Down again after more restarts than the limit: a loop even when the restarts predate what the
    // tracker saw (the engine keeps only its last 256 events, often seconds with healthchecks).
    const crashLoop = isCrashLoop(restartsLastHour, t) || (view.state === "restarting" && isCrashLoop(view.restartCount, t));
    const sample = view.state === "running" ? state.sampler.latest(view.id) : undefined;
    const stats: ContainerStats | null = sample
      ? {
          at: new Date(sample.at).toISOString(),
          cpuPercent: sample.cpuPercent,
          memUsedBytes: sample.memUsedBytes,
          memLimitBytes: sample.memLimitBytes,
          memPercent: sample.memPercent,
        }
      : null;
    const cpu = levelAbove(stats?.cpuPercent, t.cpuPercent);
    const memory = levelAbove(stats?.memPercent, t.memoryPercent);
    const restarts = crashLoop ? (restartsLastHour > t.restartsPerHour.critical ? "critical" : "warn") : "ok";
    const stateLevel = stateLevelOf(view);
    const overall = worst(cpu, memory, restarts, stateLevel);
    return {
      ...view,
      restartsLastHour,
      crashLoop,
      stats,
      levels: { cpu, memory, restarts, state: stateLevel, overall },
      attention: attentionOf(view, crashLoop, overall),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const state of this.states.values()) {
      if (state.debounce) clearTimeout(state.debounce);
      if (state.reconnect) clearTimeout(state.reconnect);
      state.events?.destroy();
      await state.sampler.stop();
    }
  }
}

/** Unhealthy, restarting, or exited with an error → critical; exited cleanly or starting → warn. */
function stateLevelOf(view: ContainerView): Level {
  if (view.health === "unhealthy" || view.state === "restarting" || view.state === "dead" || view.oomKilled) return "critical";
  if (view.state === "exited") return view.exitCode === 0 ? "warn" : "critical";
  if (view.health === "starting" || view.state === "paused" || view.state === "created") return "warn";
  return "ok";
}

function attentionOf(view: ContainerView, crashLoop: boolean, overall: Level): number {
  if (crashLoop) return 0;
  if (view.health === "unhealthy") return 1;
  if (view.state !== "running") return 2;
  if (overall === "critical") return 3;
  if (overall === "warn") return 4;
  return 5;
}

/** Rows of a snapshot flattened and sorted for the dashboard: needing attention first, then by name. */
export function rowsByAttention(snapshot: DashboardSnapshot): ContainerRow[] {
  return snapshot.stacks
    .flatMap((s) => s.services.flatMap((svc) => svc.containers))
    .sort((a, b) => a.attention - b.attention || a.name.localeCompare(b.name));
}
