/**
 * Disk probe: space used on the filesystems holding the configured paths (statfs), against the
 * disk thresholds (warn > 80 %, critical > 90 % by default). Percent used is computed as `df`
 * does: used / (used + available to unprivileged users).
 */
import { statfs } from "node:fs/promises";
import { DEFAULT_THRESHOLDS, levelAbove, worst, type Level, type UpperLimits } from "../docker/thresholds";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type DiskProbeSpec = { paths: string[]; limits?: UpperLimits; timeoutMs?: number };

export type DiskUsage = { path: string; totalBytes: number; usedBytes: number; availableBytes: number; percentUsed: number; level: Level };

export async function diskUsage(path: string, limits: UpperLimits = DEFAULT_THRESHOLDS.diskPercent): Promise<DiskUsage> {
  const s = await statfs(path);
  const total = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  const available = s.bavail * s.bsize;
  const percentUsed = used + available > 0 ? (used / (used + available)) * 100 : 0;
  return { path, totalBytes: total, usedBytes: used, availableBytes: available, percentUsed, level: levelAbove(percentUsed, limits) };
}

export async function probeDisk(spec: DiskProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (spec.paths.length === 0) return result("unknown", started, "no paths configured", undefined, false);
  try {
    const usages = await withDeadline(timeoutMs, () =>
      Promise.all(spec.paths.map((p) => diskUsage(p, spec.limits).catch((error: unknown) => ({ path: p, error })))),
    );
    const levels: Level[] = [];
    const parts: string[] = [];
    const data: Record<string, number | string> = {};
    for (const u of usages) {
      if ("error" in u) {
        levels.push("critical");
        parts.push(`${u.path}: ${(u.error as Error).message}`);
        continue;
      }
      levels.push(u.level);
      parts.push(`${u.path} ${u.percentUsed.toFixed(1)} % used (${formatBytes(u.availableBytes)} free)`);
      data[`${u.path}:percentUsed`] = Math.round(u.percentUsed * 10) / 10;
      data[`${u.path}:availableBytes`] = u.availableBytes;
    }
    const level = worst(...levels);
    return result(level, started, parts.join("; "), data);
  } catch (error) {
    return failure(error, started, timeoutMs, "disk");
  }
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}
