/**
 * Runs the configured probes in the background every `intervalMs` and keeps the latest results,
 * so a page reads them from memory and is never held by a slow target. Runs never overlap; each
 * is bounded by the global deadline.
 */
import { runProbes, type NamedProbeResult, type ProbeSpec } from "./run-probes";

export class ProbeRunner {
  private latest: NamedProbeResult[] = [];
  private lastRunAt: string | null = null;
  private running: Promise<NamedProbeResult[]> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private specs: readonly ProbeSpec[],
    private readonly options: { intervalMs?: number; deadlineMs?: number } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    void this.runNow();
    this.timer = setInterval(() => void this.runNow(), this.options.intervalMs ?? 15_000);
    this.timer.unref();
  }

  /** Runs all probes now (or joins the run in progress) and returns their results. */
  runNow(): Promise<NamedProbeResult[]> {
    this.running ??= runProbes(this.specs, { deadlineMs: this.options.deadlineMs ?? 10_000 })
      .then((results) => {
        this.latest = results;
        this.lastRunAt = new Date().toISOString();
        return results;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** The last completed results (empty before the first run finishes) and when that run ended. */
  results(): { results: NamedProbeResult[]; lastRunAt: string | null } {
    return { results: this.latest, lastRunAt: this.lastRunAt };
  }

  /** New specs after a config reload; results of removed probes go at the next run. */
  replaceSpecs(specs: readonly ProbeSpec[]): void {
    this.specs = specs;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
