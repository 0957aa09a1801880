import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import { Ring, StatsSampler, type MinutePoint, type SampleStore } from "./stats-sampler";

/** A Docker client whose stats() hands out streams the test writes readings into. */
function fakeDocker() {
  const streams = new Map<string, PassThrough>();
  let opened = 0;
  const docker = {
    getContainer: (id: string) => ({
      stats: async () => {
        opened++;
        const s = new PassThrough();
        streams.set(id, s);
        return s;
      },
    }),
  } as unknown as Docker;
  return { docker, streams, opened: () => opened };
}

function reading(at: number, total: number, system: number, usage: number, pre?: { total: number; system: number }) {
  return `${JSON.stringify({
    read: new Date(at).toISOString(),
    cpu_stats: { cpu_usage: { total_usage: total }, system_cpu_usage: system, online_cpus: 2 },
    precpu_stats: pre ? { cpu_usage: { total_usage: pre.total }, system_cpu_usage: pre.system } : { cpu_usage: {} },
    memory_stats: { usage, limit: 1000, stats: { total_inactive_file: 100 } },
    pids_stats: { current: 3 },
  })}\n`;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
let sampler: StatsSampler | undefined;
afterEach(async () => {
  await sampler?.stop();
  sampler = undefined;
});

describe("stats sampler", () => {
  it("opens one stream per running container, computes readings, and drops stopped containers", async () => {
    const fake = fakeDocker();
    sampler = new StatsSampler({ docker: fake.docker, engineId: "local" });
    const a = { id: "a", name: "a-1", project: "p", service: "a" };
    sampler.sync([a]);
    sampler.sync([a]); // already sampled: no second stream
    await tick();
    expect(fake.opened()).toBe(1);
    const t0 = Date.now();
    // One reading split across chunks, then a second one.
    const first = reading(t0 - 1000, 1_000, 10_000, 500);
    fake.streams.get("a")!.write(first.slice(0, 20));
    fake.streams.get("a")!.write(first.slice(20) + reading(t0, 1_500, 20_000, 600, { total: 1_000, system: 10_000 }));
    await tick();
    expect(sampler.latest("a")).toEqual({ at: t0, cpuPercent: 10, memUsedBytes: 500, memLimitBytes: 1000, memPercent: 50, pids: 3 });
    expect(sampler.history("a").map((s) => s.cpuPercent)).toEqual([null, 10]);
    sampler.sync([]);
    expect(sampler.latest("a")).toBeUndefined();
    expect(sampler.sampledIds()).toEqual([]);
    expect(fake.streams.get("a")!.destroyed).toBe(true);
  });

  it("writes one averaged point per container per minute to the store", async () => {
    const fake = fakeDocker();
    const written: MinutePoint[] = [];
    const store: SampleStore = { write: async (points) => void written.push(...points), prune: async () => 0 };
    sampler = new StatsSampler({ docker: fake.docker, engineId: "local", store });
    sampler.sync([{ id: "a", name: "a-1", project: null, service: null }]);
    await tick();
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const s = fake.streams.get("a")!;
    s.write(reading(minute + 1000, 0, 1000, 300, { total: 0, system: 0 })); // no CPU figure (system delta 0 → null)
    s.write(reading(minute + 2000, 200, 2000, 500, { total: 0, system: 1000 })); // 40 %
    s.write(reading(minute + 3000, 300, 3000, 700, { total: 200, system: 2000 })); // 20 %
    s.write(reading(minute + 61_000, 400, 4000, 900, { total: 300, system: 3000 })); // next minute
    await tick();
    expect(await sampler.flush()).toBe(2);
    expect(written[0]).toMatchObject({
      engineId: "local",
      containerId: "a",
      minute: new Date(minute),
      cpuPercent: 30,
      memUsedBytes: 400, // (200 + 400 + 600) / 3 after the inactive file cache
      memMaxBytes: 600,
      memLimitBytes: 1000,
      memPercent: 40,
      samples: 3,
    });
    expect(written[1]).toMatchObject({ minute: new Date(minute + 60_000), samples: 1 });
  });

  it("ring buffer keeps the newest items", () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.last()).toBe(5);
  });
});
