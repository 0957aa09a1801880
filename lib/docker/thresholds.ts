/**
 * Alert thresholds. Defaults come from the runbooks' monitoring tables: CPU > 80 % warn
 * (> 90 % critical), memory > 85 % (> 95 %), disk > 80 % (> 90 %), restarts > 3 per hour
 * (a crash loop), TLS certificates with fewer than 7 days left (critical under 1 day / expired).
 * opsdeck.yaml can override any of them.
 */
export type Level = "ok" | "warn" | "critical";

/** Crossed when the value is ABOVE the limit. */
export type UpperLimits = { warn: number; critical: number };
/** Crossed when the value is BELOW the limit (days left). */
export type LowerLimits = { warn: number; critical: number };

export type Thresholds = {
  cpuPercent: UpperLimits;
  memoryPercent: UpperLimits;
  diskPercent: UpperLimits;
  /** Restarts in the last hour: above `warn` is a crash loop. */
  restartsPerHour: UpperLimits;
  tlsDaysLeft: LowerLimits;
};

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  cpuPercent: { warn: 80, critical: 90 },
  memoryPercent: { warn: 85, critical: 95 },
  diskPercent: { warn: 80, critical: 90 },
  restartsPerHour: { warn: 3, critical: 10 },
  tlsDaysLeft: { warn: 7, critical: 1 },
});

export type ThresholdOverrides = { [K in keyof Thresholds]?: Partial<Thresholds[K]> };

/** Defaults with overrides applied; throws when a warn limit is not on the safe side of its critical one. */
export function resolveThresholds(overrides: ThresholdOverrides = {}): Thresholds {
  const merged = {} as Thresholds;
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as Array<keyof Thresholds>) {
    merged[key] = { ...DEFAULT_THRESHOLDS[key], ...(overrides[key] ?? {}) };
  }
  for (const key of ["cpuPercent", "memoryPercent", "diskPercent", "restartsPerHour"] as const) {
    if (merged[key].warn > merged[key].critical) throw new Error(`thresholds.${key}: warn (${merged[key].warn}) must not be above critical (${merged[key].critical})`);
  }
  if (merged.tlsDaysLeft.warn < merged.tlsDaysLeft.critical) {
    throw new Error(`thresholds.tlsDaysLeft: warn (${merged.tlsDaysLeft.warn}) must not be below critical (${merged.tlsDaysLeft.critical})`);
  }
  return merged;
}

/** Level of a value against limits crossed from below (CPU, memory, disk, restarts). Null → ok. */
export function levelAbove(value: number | null | undefined, limits: UpperLimits): Level {
  if (value == null || Number.isNaN(value)) return "ok";
  if (value > limits.critical) return "critical";
  if (value > limits.warn) return "warn";
  return "ok";
}

/** Level of a value against limits crossed from above (days left). */
export function levelBelow(value: number | null | undefined, limits: LowerLimits): Level {
  if (value == null || Number.isNaN(value)) return "ok";
  if (value < limits.critical) return "critical";
  if (value < limits.warn) return "warn";
  return "ok";
}

export function worst(...levels: Level[]): Level {
  if (levels.includes("critical")) return "critical";
  if (levels.includes("warn")) return "warn";
  return "ok";
}

export function isCrashLoop(restartsLastHour: number, thresholds: Thresholds = DEFAULT_THRESHOLDS): boolean {
  return restartsLastHour > thresholds.restartsPerHour.warn;
}
