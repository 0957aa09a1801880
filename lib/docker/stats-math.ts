/**
 * CPU and memory figures from one Engine API stats object, computed the way `docker stats` does.
 * cgroup v1 and v2 differ in field names; both are handled.
 */
export type RawStats = {
  read?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
};

type CpuStats = {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
};

/**
 * CPU % of one CPU's time (100 % = one full core; a container using two cores shows 200 %), as
 * `docker stats`: (Δ container usage / Δ system usage) × online CPUs × 100. Null when there is no
 * previous reading yet (the first sample of a stream) or the system counter did not move.
 */
export function cpuPercent(stats: RawStats): number | null {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const preTotal = pre?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  const preSystem = pre?.system_cpu_usage;
  if (total == null || preTotal == null || system == null || !preSystem) return null;
  const cpuDelta = total - preTotal;
  const systemDelta = system - preSystem;
  if (systemDelta <= 0 || cpuDelta < 0) return null;
  const online = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  return (cpuDelta / systemDelta) * online * 100;
}

/**
 * Memory in use the way `docker stats` reports it: usage minus the inactive page cache
 * (cgroup v1 `total_inactive_file`, v2 `inactive_file`; older engines: `cache`).
 */
export function memoryUsage(stats: RawStats): { usedBytes: number; limitBytes: number; percent: number | null } | null {
  const m = stats.memory_stats;
  if (!m || m.usage == null) return null;
  const s = m.stats ?? {};
  let used = m.usage;
  const inactive = s.total_inactive_file ?? s.inactive_file;
  if (inactive != null && inactive < used) used -= inactive;
  else if (inactive == null && s.cache != null && s.cache < used) used -= s.cache;
  const limit = m.limit ?? 0;
  return { usedBytes: used, limitBytes: limit, percent: limit > 0 ? (used / limit) * 100 : null };
}
