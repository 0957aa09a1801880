/**
 * The background stats sampler: ONE streaming `stats` request per running container (Docker sends
 * a reading about every second), started and stopped as containers come and go (`sync()` with
 * the current running set, called by the monitor after every listing). Pages never call Docker
 * for stats: they read `latest(id)` and `history(id)`.
 *
 * - CPU % and memory (used minus inactive cache, limit, %) are computed as `docker stats` does.
 * - The last 15 minutes per container are kept in a ring buffer for sparklines.
 * - A downsampler averages each container's readings per minute and writes one point per minute
 *   to a SampleStore (Postgres `container_samples`), pruned to 24 hours.
 */
import type Docker from "dockerode";
import type { Readable } from "node:stream";
import { log } from "../log/logger";
import { cpuPercent, memoryUsage, type RawStats } from "./stats-math";

export type StatsSample = {
  /** Time of the reading (ms since epoch). */
  at: number;
  /** Null for the first reading of a stream (no previous one to compare with). */
  cpuPercent: number | null;
  memUsedBytes: number;
  memLimitBytes: number;
  memPercent: number | null;
  pids: number | null;
};

export type SampledContainer = { id: string; name: string; project: string | null; service: string | null };

export type MinutePoint = {
  engineId: string;
  containerId: string;
  containerName: string;
  project: string | null;
  service: string | null;
  /** Start of the minute. */
  minute: Date;
  cpuPercent: number | null;
  memUsedBytes: number;
  memMaxBytes: number;
  memLimitBytes: number;
  memPercent: number | null;
  samples: number;
};

export interface SampleStore {
  write(points: MinutePoint[]): Promise<void>;
  /** Deletes points older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

export type StatsSamplerOptions = {
  /** A client without request timeout (the streams are long-lived). */
  docker: Docker;
  engineId: string;
  historyMs?: number;
  store?: SampleStore;
  /** How often completed minutes are written (default 60 s). */
  flushIntervalMs?: number;
  retentionMs?: number;
  /** Wait before reopening a stream that ended while its container still runs. */
  reopenDelayMs?: number;
};

/** Fixed-capacity ring buffer, oldest first. */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private size = 0;
  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }
  push(item: T): void {
    this.items[(this.head + this.size) % this.capacity] = item;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
  }
  last(): T | undefined {
    return this.size === 0 ? undefined : this.items[(this.head + this.size - 1) % this.capacity];
  }
  /** Visits the items oldest first, without copying them. */
  forEach(fn: (item: T) => void): void {
    for (let i = 0; i < this.size; i++) fn(this.items[(this.head + i) % this.capacity] as T);
  }
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }
  get length(): number {
    return this.size;
  }
}

type Bucket = { minute: number; cpuSum: number; cpuCount: number; memSum: number; memMax: number; memLimit: number; count: number };

type Entry = {
  container: SampledContainer;
  ring: Ring<StatsSample>;
  stream: Readable | null;
  opening: boolean;
  closed: boolean;
  bucket: Bucket | null;
  reopenTimer: NodeJS.Timeout | null;
};

const MINUTE = 60_000;

export class StatsSampler {
  private readonly entries = new Map<string, Entry>();
  private readonly pendingPoints: MinutePoint[] = [];
  private readonly historyMs: number;
  private readonly capacity: number;
  private flushTimer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private stopped = false;

  constructor(private readonly options: StatsSamplerOptions) {
    this.historyMs = options.historyMs ?? 15 * MINUTE;
    // Docker sends about one reading a second; leave room for bursts.
    this.capacity = Math.ceil(this.historyMs / 1000) + 60;
  }

  /** Starts the periodic downsampler (only needed with a store). */
  start(): void {
    if (this.flushTimer || !this.options.store) return;
    this.flushTimer = setInterval(() => void this.flush().catch((error: unknown) => log.warn("stats: writing minute points failed", { error })), this.options.flushIntervalMs ?? MINUTE);
    this.flushTimer.unref();
  }

  /** Opens streams for running containers not sampled yet; closes those of containers no longer running. */
  sync(running: readonly SampledContainer[]): void {
    if (this.stopped) return;
    const wanted = new Map(running.map((c) => [c.id, c]));
    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) this.drop(id, entry);
    }
    for (const container of running) {
      const entry = this.entries.get(container.id);
      if (entry) entry.container = container;
      else this.open(container);
    }
  }

  /** The most recent reading, or undefined when the container is not sampled (not running). */
  latest(id: string): StatsSample | undefined {
    return this.entries.get(id)?.ring.last();
  }

  /** Readings of the last 15 minutes (oldest first). */
  history(id: string, now: number = Date.now()): StatsSample[] {
    const entry = this.entries.get(id);
    if (!entry) return [];
    const from = now - this.historyMs;
    return entry.ring.toArray().filter((s) => s.at >= from);
  }

  /** Visits the retained readings of one container, oldest first, without copying (for per-request sparklines). */
  forEachSample(id: string, fn: (sample: StatsSample) => void): void {
    this.entries.get(id)?.ring.forEach(fn);
  }

  /** Ids with an open (or opening) stats stream. */
  sampledIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Writes completed minutes to the store and prunes points older than the retention. */
  async flush(now: number = Date.now()): Promise<number> {
    const currentMinute = Math.floor(now / MINUTE) * MINUTE;
    for (const entry of this.entries.values()) {
      if (entry.bucket && entry.bucket.minute < currentMinute) {
        this.pendingPoints.push(this.toPoint(entry.container, entry.bucket));
        entry.bucket = null;
      }
    }
    const store = this.options.store;
    if (!store || this.pendingPoints.length === 0) return 0;
    const points = this.pendingPoints.splice(0, this.pendingPoints.length);
    try {
      await store.write(points);
    } catch (error) {
      // Keep them for the next try, bounded (a database outage must not grow memory forever).
      this.pendingPoints.unshift(...points.slice(-10_000));
      throw error;
    }
    if (now - this.lastPrune > 10 * MINUTE) {
      this.lastPrune = now;
      await store.prune(new Date(now - (this.options.retentionMs ?? 24 * 60 * MINUTE)));
    }
    return points.length;
  }

  /** Closes every stream and timer; writes what is buffered when a store is set. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    for (const [id, entry] of this.entries) this.drop(id, entry);
    if (this.options.store) await this.flush(Date.now() + MINUTE).catch(() => 0);
  }

  private open(container: SampledContainer): void {
    const entry: Entry = { container, ring: new Ring(this.capacity), stream: null, opening: true, closed: false, bucket: null, reopenTimer: null };
    this.entries.set(container.id, entry);
    void this.connect(entry);
  }

  private async connect(entry: Entry): Promise<void> {
    const id = entry.container.id;
    entry.opening = true;
    try {
      const stream = (await this.options.docker.getContainer(id).stats({ stream: true })) as unknown as Readable;
      if (entry.closed) {
        stream.destroy();
        return;
      }
      entry.stream = stream;
      entry.opening = false;
      let pending = "";
      stream.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        let nl: number;
        while ((nl = pending.indexOf("\n")) !== -1) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line) this.ingest(entry, line);
        }
        if (pending.length > 1_000_000) pending = ""; // never a reading: drop rather than grow
      });
      const ended = () => {
        entry.stream = null;
        this.scheduleReopen(entry);
      };
      stream.on("end", ended);
      stream.on("close", ended);
      stream.on("error", () => undefined); // "close" follows
    } catch (error) {
      entry.opening = false;
      if ((error as { statusCode?: number }).statusCode === 404) {
        this.drop(id, entry); // removed meanwhile
        return;
      }
      log.debug("stats: opening the stream failed", { container: entry.container.name, error });
      this.scheduleReopen(entry);
    }
  }

  /** A stream ended while the container is still wanted (engine restart, blip): try again later. */
  private scheduleReopen(entry: Entry): void {
    if (entry.closed || this.stopped || entry.reopenTimer) return;
    entry.reopenTimer = setTimeout(() => {
      entry.reopenTimer = null;
      if (!entry.closed && !entry.stream) void this.connect(entry);
    }, this.options.reopenDelayMs ?? 5_000);
    entry.reopenTimer.unref();
  }

  private ingest(entry: Entry, line: string): void {
    let raw: RawStats;
    try {
      raw = JSON.parse(line) as RawStats;
    } catch {
      return;
    }
    const mem = memoryUsage(raw);
    // A stopped container's stream sends zeroed readings (no limit, no usage): not a sample.
    if (!mem || (mem.limitBytes === 0 && mem.usedBytes === 0)) return;
    const readAt = raw.read ? Date.parse(raw.read) : NaN;
    const at = Number.isNaN(readAt) || readAt <= 0 ? Date.now() : readAt;
    const sample: StatsSample = {
      at,
      cpuPercent: cpuPercent(raw),
      memUsedBytes: mem.usedBytes,
      memLimitBytes: mem.limitBytes,
      memPercent: mem.percent,
      pids: raw.pids_stats?.current ?? null,
    };
    entry.ring.push(sample);
    this.accumulate(entry, sample);
  }

  private accumulate(entry: Entry, sample: StatsSample): void {
    const minute = Math.floor(sample.at / MINUTE) * MINUTE;
    if (entry.bucket && entry.bucket.minute !== minute) {
      this.pendingPoints.push(this.toPoint(entry.container, entry.bucket));
      entry.bucket = null;
    }
    const b = (entry.bucket ??= { minute, cpuSum: 0, cpuCount: 0, memSum: 0, memMax: 0, memLimit: 0, count: 0 });
    if (sample.cpuPercent !== null) {
      b.cpuSum += sample.cpuPercent;
      b.cpuCount++;
    }
    b.memSum += sample.memUsedBytes;
    b.memMax = Math.max(b.memMax, sample.memUsedBytes);
    b.memLimit = sample.memLimitBytes;
    b.count++;
  }

  private toPoint(container: SampledContainer, b: Bucket): MinutePoint {
    const memAvg = Math.round(b.memSum / b.count);
    return {
      engineId: this.options.engineId,
      containerId: container.id,
      containerName: container.name,
      project: container.project,
      service: container.service,
      minute: new Date(b.minute),
      cpuPercent: b.cpuCount ? b.cpuSum / b.cpuCount : null,
      memUsedBytes: memAvg,
      memMaxBytes: b.memMax,
      memLimitBytes: b.memLimit,
      memPercent: b.memLimit > 0 ? (memAvg / b.memLimit) * 100 : null,
      samples: b.count,
    };
  }

  private drop(id: string, entry: Entry): void {
    entry.closed = true;
    if (entry.reopenTimer) clearTimeout(entry.reopenTimer);
    entry.stream?.destroy();
    entry.stream = null;
    // The partial minute of a container that went away is still worth keeping.
    if (entry.bucket) this.pendingPoints.push(this.toPoint(entry.container, entry.bucket));
    this.entries.delete(id);
  }
}
