/**
 * Sparkline series: the sampler's readings (about one a second) averaged into fixed time buckets
 * aligned to the clock, so consecutive polls draw the same shape shifted by a bucket rather than a
 * jittering line. A bucket without a reading is null (the line has a gap there).
 */
import type { StatsSample } from "../docker/stats-sampler";

export type Spark = {
  /** Start of the first bucket (ms since epoch). */
  from: number;
  stepMs: number;
  /** CPU % per bucket (average). */
  cpu: Array<number | null>;
  /** Memory used per bucket (bytes, average). */
  mem: Array<number | null>;
};

export const SPARK_WINDOW_MS = 15 * 60_000;

/** Readings to bucket: an array, or a visitor over them (the sampler's ring, without a copy). */
export type SampleSource = readonly StatsSample[] | ((visit: (sample: StatsSample) => void) => void);

export function bucketSeries(samples: SampleSource, options: { now: number; windowMs?: number; buckets?: number }): Spark {
  const windowMs = options.windowMs ?? SPARK_WINDOW_MS;
  const buckets = options.buckets ?? 45;
  const stepMs = Math.round(windowMs / buckets);
  const end = Math.ceil(options.now / stepMs) * stepMs;
  const from = end - buckets * stepMs;
  const cpuSum = new Float64Array(buckets);
  const cpuN = new Uint16Array(buckets);
  const memSum = new Float64Array(buckets);
  const memN = new Uint16Array(buckets);
  const add = (s: StatsSample) => {
    const i = Math.floor((s.at - from) / stepMs);
    if (i < 0 || i >= buckets) return;
    if (s.cpuPercent !== null) {
      cpuSum[i]! += s.cpuPercent;
      cpuN[i]!++;
    }
    memSum[i]! += s.memUsedBytes;
    memN[i]!++;
  };
  if (typeof samples === "function") samples(add);
  else for (const s of samples) add(s);
  const cpu: Array<number | null> = new Array(buckets);
  const mem: Array<number | null> = new Array(buckets);
  for (let i = 0; i < buckets; i++) {
    cpu[i] = cpuN[i] ? Math.round((cpuSum[i]! / cpuN[i]!) * 100) / 100 : null;
    mem[i] = memN[i] ? Math.round(memSum[i]! / memN[i]!) : null;
  }
  return { from, stepMs, cpu, mem };
}
