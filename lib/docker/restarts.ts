/**
 * Restarts per container over the last hour, for the "restarts in the last hour" column and the
 * crash-loop flag (> 3 in an hour by default).
 *
 * Two sources, deduplicated:
 * - Docker events: a `start` of a container that had died (`die`) before it — a restart by the
 *   restart policy or by hand. The monitor subscribes with `since` an hour back, so the engine
 *   replays its recent past and then goes on live.
 * - RestartCount from inspect: when it rose by more than the restarts seen in events since the
 *   last observation (events missed while the stream was down), the difference is added at the
 *   observation time. A manual restart resets RestartCount to 0: a drop is taken as a new base.
 */
export const HOUR_MS = 60 * 60 * 1000;

export type DockerEvent = {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
};

type Track = {
  restarts: number[];
  died: boolean;
  /** Restarts seen in events since the last RestartCount observation. */
  eventRestartsSinceObservation: number;
  lastRestartCount: number | null;
};

export class RestartTracker {
  private readonly tracks = new Map<string, Track>();

  /**
   * `onRestart` hears each restart the tracker learns of (from events or a risen RestartCount),
   * never one it was seeded with or one it already had; the monitor persists them with it.
   */
  constructor(
    private readonly windowMs = HOUR_MS,
    private readonly onRestart?: (containerId: string, at: number) => void,
  ) {}

  /** Restarts known from before (a store): kept, and a replayed event naming one is not counted twice. */
  seed(id: string, times: number[]): void {
    const t = this.track(id);
    for (const at of times) if (!t.restarts.includes(at)) t.restarts.push(at);
  }

  private add(id: string, t: Track, at: number): boolean {
    if (t.restarts.includes(at)) return false;
    t.restarts.push(at);
    this.onRestart?.(id, at);
    return true;
  }

  private track(id: string): Track {
    let t = this.tracks.get(id);
    if (!t) {
      t = { restarts: [], died: false, eventRestartsSinceObservation: 0, lastRestartCount: null };
      this.tracks.set(id, t);
    }
    return t;
  }

  /** Feeds one Docker event (container events only; others are ignored). */
  observeEvent(event: DockerEvent): void {
    if ((event.Type ?? "container") !== "container") return;
    const id = event.Actor?.ID ?? event.id;
    const action = event.Action ?? event.status;
    if (!id || !action) return;
    const at = event.timeNano ? Math.floor(event.timeNano / 1e6) : (event.time ?? Date.now() / 1000) * 1000;
    if (action === "die") this.track(id).died = true;
    else if (action === "start") {
      const t = this.track(id);
      if (t.died) {
        this.add(id, t, at);
        t.eventRestartsSinceObservation++;
      }
      t.died = false;
    } else if (action === "destroy") this.tracks.delete(id);
  }

  /** Feeds a RestartCount read from inspect; adds restarts the events did not show. */
  observeRestartCount(id: string, restartCount: number, at: number = Date.now()): void {
    const t = this.track(id);
    if (t.lastRestartCount !== null && restartCount > t.lastRestartCount) {
      const missed = restartCount - t.lastRestartCount - t.eventRestartsSinceObservation;
      for (let i = 0; i < missed; i++) this.add(id, t, at + i); // distinct times: each is its own restart
    }
    t.lastRestartCount = restartCount;
    t.eventRestartsSinceObservation = 0;
  }

  /** Restarts of the container within the window ending at `now`. */
  restartsInWindow(id: string, now: number = Date.now()): number {
    const t = this.tracks.get(id);
    if (!t) return 0;
    const from = now - this.windowMs;
    t.restarts = t.restarts.filter((at) => at > from).sort((a, b) => a - b);
    return t.restarts.length;
  }

  /** Forgets containers not in `ids` (removed). */
  retain(ids: Iterable<string>): void {
    const keep = new Set(ids);
    for (const id of this.tracks.keys()) if (!keep.has(id)) this.tracks.delete(id);
  }
}

/** Reads a stream of newline-delimited JSON objects (the Docker events format). */
export function consumeJsonLines(stream: NodeJS.ReadableStream, onObject: (value: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = "";
    stream.on("data", (chunk: Buffer | string) => {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line) continue;
        try {
          onObject(JSON.parse(line));
        } catch {
          // a malformed line is skipped, the stream goes on
        }
      }
    });
    stream.on("end", () => {
      const line = pending.trim();
      if (line) {
        try {
          onObject(JSON.parse(line));
        } catch {
          // ignore a truncated tail
        }
      }
      resolve();
    });
    stream.on("close", () => resolve());
    stream.on("error", reject);
  });
}
