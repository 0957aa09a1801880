import { describe, expect, it } from "vitest";
import { cpuPercent, memoryUsage } from "./stats-math";

describe("stats math (as docker stats)", () => {
  it("computes CPU % from the deltas against the previous reading, times online CPUs", () => {
    const stats = {
      cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
    };
    // 1e9 / 1e10 * 2 * 100 = 20 %
    expect(cpuPercent(stats)).toBeCloseTo(20);
  });

  it("falls back to the per-CPU list for the CPU count and gives null without a previous reading", () => {
    expect(
      cpuPercent({
        cpu_stats: { cpu_usage: { total_usage: 300, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: 2000 },
        precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 1000 },
      }),
    ).toBeCloseTo(80);
    expect(cpuPercent({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 }, precpu_stats: { cpu_usage: { total_usage: 0 } } })).toBeNull();
  });

  it("subtracts inactive file cache: cgroup v1 total_inactive_file, v2 inactive_file, old engines cache", () => {
    expect(memoryUsage({ memory_stats: { usage: 1000, limit: 4000, stats: { total_inactive_file: 200, cache: 500 } } })).toEqual({
      usedBytes: 800,
      limitBytes: 4000,
      percent: 20,
    });
    expect(memoryUsage({ memory_stats: { usage: 1000, limit: 2000, stats: { inactive_file: 500 } } })?.usedBytes).toBe(500);
    expect(memoryUsage({ memory_stats: { usage: 1000, limit: 2000, stats: { cache: 100 } } })?.usedBytes).toBe(900);
    expect(memoryUsage({ memory_stats: { usage: 1000, limit: 0 } })?.percent).toBeNull();
    expect(memoryUsage({})).toBeNull();
  });
});
