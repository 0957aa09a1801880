/**
 * The dashboard's container data against the PostHog-like fixture on the real Docker engine:
 * listing grouped by project/service with health, a stopped db shown down, a crash-looping worker
 * flagged, sampler readings, logs with stdout/stderr, actions, and no environment value anywhere.
 */
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture, PosthogService } from "../../e2e/fixtures/posthog/stack";
import { restartContainer, startContainer, stopContainer, waitUntilHealthy } from "./container-actions";
import { readLogs, streamLogs } from "./container-logs";
import { DockerMonitor, rowsByAttention, type ContainerRow, type DashboardSnapshot } from "./dashboard-data";
import { EngineRegistry } from "./engines";
import { dockerDiskUsage } from "./disk-usage";
import { listContainers } from "./list-containers";
import { inspectSummary } from "./mask-env";

let fixture: PosthogFixture;
let docker: Docker;
let registry: EngineRegistry;
let monitor: DockerMonitor;

beforeAll(async () => {
  fixture = await getSharedPosthogFixture();
  docker = fixture.docker;
  registry = new EngineRegistry([{ id: "local", name: "This host", kind: "socket", socketPath: fixture.socketPath }]);
  monitor = new DockerMonitor({ registry, refreshMs: 2_000 });
  await monitor.start();
}, 180_000);

afterAll(async () => {
  await monitor?.stop();
  await fixture?.release();
});

function stackOf(snapshot: DashboardSnapshot) {
  const stack = snapshot.stacks.find((s) => s.project === fixture.project);
  if (!stack) throw new Error(`project ${fixture.project} not in the snapshot`);
  return stack;
}

function row(snapshot: DashboardSnapshot, service: PosthogService): ContainerRow {
  const found = stackOf(snapshot).services.find((s) => s.service === service)?.containers[0];
  if (!found) throw new Error(`service ${service} not in the snapshot`);
  return found;
}

/** Polls the monitor's snapshot (no manual refresh: events and the periodic listing drive it). */
async function eventually(check: (s: DashboardSnapshot) => boolean, timeoutMs: number): Promise<DashboardSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = monitor.snapshot();
    if (check(snapshot)) return snapshot;
    if (Date.now() > deadline) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Retries `fn` until it stops throwing: the worker's crash flag is set through web, which another file may be restarting. */
async function retrying<T>(fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

describe("dashboard data from the real engine", () => {
  it("groups the fixture's containers by compose project and service, with health and image", async () => {
    // Each service read under its own lock, one after the other (other files stop and restart
    // services of the shared stack; locks are never nested).
    for (const service of ["db", "redis", "clickhouse", "web"] as const) {
      await fixture.exclusive(service, async () => {
        const snapshot = await eventually((s) => {
          const r = stackOf(s).services.find((x) => x.service === service)?.containers[0];
          return r?.state === "running" && r.health === "healthy" && r.lastHealthcheck?.exitCode === 0;
        }, 60_000);
        const r = row(snapshot, service);
        expect(r).toMatchObject({ state: "running", health: "healthy", project: fixture.project, service, name: `${fixture.project}-${service}-1` });
        expect(r.lastHealthcheck).toMatchObject({ exitCode: 0 });
        expect(r.uptimeSeconds).toBeGreaterThanOrEqual(0);
        expect(r.status).toMatch(/^Up .*\(healthy\)$/);
        if (service === "db") {
          expect(r).toMatchObject({ imageRepo: "opsdeck/fixture-base", imageTag: "1", restartCount: 0 });
          expect(r.lastHealthcheck?.output).toMatch(/accepting connections/);
        }
      });
    }
    await fixture.exclusive("worker", async () => {
      const snapshot = await eventually((s) => stackOf(s).services.find((x) => x.service === "worker")?.containers[0]?.state === "running", 60_000);
      expect(row(snapshot, "worker")).toMatchObject({ state: "running", health: "none", restartPolicy: "on-failure" });
    });
    const snapshot = monitor.snapshot();
    const stack = stackOf(snapshot);
    expect(stack.engineId).toBe("local");
    expect(stack.services.map((s) => s.service)).toEqual(["clickhouse", "db", "redis", "web", "worker"]);
    expect(snapshot.engines).toEqual([expect.objectContaining({ id: "local", reachable: true, lastReachedAt: expect.any(String), version: expect.any(String) })]);
  });

  it("samples CPU and memory for every running container, one stream each", async () => {
    // One service at a time under its lock: a container another file has stopped has no stats.
    for (const service of ["db", "redis", "clickhouse", "web", "worker"] as const) {
      await fixture.exclusive(service, async () => {
        const id = fixture.containers[service].id;
        const snapshot = await eventually(
          (s) => row(s, service).state === "running" && monitor.latestStats("local", id)?.cpuPercent != null && monitor.statsHistory("local", id).length >= 2,
          20_000,
        );
        const stats = row(snapshot, service).stats;
        expect(stats, service).not.toBeNull();
        expect(stats!.memUsedBytes).toBeGreaterThan(0);
        if (service !== "worker") expect(stats!.memPercent).toBeGreaterThan(0);
        expect(monitor.latestStats("local", id)!.cpuPercent).toBeGreaterThanOrEqual(0);
        expect(monitor.statsHistory("local", id).length).toBeGreaterThanOrEqual(2);
        expect(monitor.sampler("local")!.sampledIds().filter((s) => s === id), service).toHaveLength(1);
        if (service === "db") expect(monitor.latestStats("local", id)).toMatchObject({ memLimitBytes: 512 * 1024 * 1024 });
      });
    }
  });

  it("shows db down (exited) on the next refresh after it stops, drops it from the sampler, and brings it back healthy", async () => {
    await fixture.exclusive("db", async () => {
      const id = fixture.containers.db.id;
      const stopped = await stopContainer(docker, id);
      expect(stopped.wait).toMatchObject({ outcome: "stopped", state: "exited" });
      const started = Date.now();
      const snapshot = await eventually((s) => row(s, "db").state === "exited", 3_000);
      expect(row(snapshot, "db")).toMatchObject({ state: "exited", stats: null, levels: { state: expect.stringMatching(/warn|critical/) } });
      expect(Date.now() - started).toBeLessThan(2_500); // the Docker event, not the 2 s periodic listing alone
      expect(stackOf(snapshot).level).not.toBe("ok");
      expect(monitor.sampler("local")!.sampledIds()).not.toContain(id);
      expect(monitor.latestStats("local", id)).toBeUndefined();
      expect(rowsByAttention(snapshot).findIndex((r) => r.id === id)).toBeLessThan(rowsByAttention(snapshot).findIndex((r) => r.id === fixture.containers.redis.id));

      const back = await startContainer(docker, id);
      expect(back.wait).toMatchObject({ outcome: "healthy", health: "healthy" });
      const healthy = await eventually((s) => row(s, "db").health === "healthy", 5_000);
      expect(row(healthy, "db").state).toBe("running");
    });
  });

  it("flags the crash-looping worker first, also in a monitor started while it loops", async () => {
    await fixture.exclusive("worker", async () => {
      await retrying(() => fixture.setWorkerCrashing(true));
      try {
        const snapshot = await eventually((s) => row(s, "worker").restartsLastHour > 3, 30_000);
        const worker = row(snapshot, "worker");
        expect(worker.crashLoop).toBe(true);
        expect(worker.restartsLastHour).toBeGreaterThan(3);
        expect(worker.levels.restarts).not.toBe("ok");
        // Other stacks on this engine (other test runs) may loop too: look at this project's rows.
        expect(rowsByAttention(snapshot).filter((r) => r.project === fixture.project)[0]?.id).toBe(worker.id);
        expect(snapshot.summary.crashLooping).toBeGreaterThanOrEqual(1);

        // A monitor started now (a console restart) knows the loop too: from the engine's recent
        // events, or from a RestartCount beyond the limit while the worker waits to be restarted.
        const fresh = new DockerMonitor({ registry, refreshMs: 250 });
        await fresh.start();
        try {
          const deadline = Date.now() + 15_000;
          while (!row(fresh.snapshot(), "worker").crashLoop && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          expect(row(fresh.snapshot(), "worker").crashLoop).toBe(true);
        } finally {
          await fresh.stop();
        }
      } finally {
        await retrying(() => fixture.setWorkerCrashing(false));
      }
      const recovered = await waitUntilHealthy(docker, fixture.containers.worker.id, { budgetMs: 15_000 });
      expect(recovered.outcome).toBe("running");
    });
  });

  it("restarts web by id and follows it until healthy", async () => {
    await fixture.exclusive("web", async () => {
      const id = fixture.containers.web.id;
      const before = await docker.getContainer(id).inspect();
      const result = await restartContainer(docker, id, { timeoutSeconds: 5 });
      expect(result.wait).toMatchObject({ outcome: "healthy", health: "healthy" });
      expect(result.wait.elapsedMs).toBeLessThan(result.wait.budgetMs);
      const after = await docker.getContainer(id).inspect();
      expect(Date.parse(after.State.StartedAt)).toBeGreaterThan(Date.parse(before.State.StartedAt));
    });
    await expect(restartContainer(docker, "web; reboot")).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(restartContainer(docker, "0".repeat(64))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reads logs with stdout and stderr told apart, tail, since, filter and follow", async () => {
    await fixture.exclusive("worker", async () => {
      const id = fixture.containers.worker.id;
      const marker = `opsdeck-log-${Date.now()}`;
      // The worker's main process is root's shell: write to its stdout and stderr, as the app would.
      const wrote = await fixture.exec("worker", ["/bin/sh", "-c", `echo "${marker} to stdout" > /proc/1/fd/1; echo "${marker} to stderr" > /proc/1/fd/2`]);
      expect(wrote.exitCode).toBe(0);
      const lines = await readLogs(docker, id, { tail: 200, filter: marker });
      // stdout and stderr are separate pipes: Docker does not keep their relative order.
      expect(lines.map((l) => [l.stream, l.text]).sort()).toEqual([
        ["stderr", `${marker} to stderr`],
        ["stdout", `${marker} to stdout`],
      ]);
      expect(Date.parse(lines[0]!.time!)).toBeGreaterThan(Date.now() - 60_000);
      expect(await readLogs(docker, id, { tail: 200, filter: marker, stderr: false })).toHaveLength(1);
      // tail counts the container's last lines (before any filter): the worker keeps logging on its own, so the
      // last line is not necessarily the marker — assert the bound, not which line it is.
      expect(await readLogs(docker, id, { tail: 1 })).toHaveLength(1);
      expect(await readLogs(docker, id, { since: new Date(Date.now() + 60_000), filter: marker })).toEqual([]);

      const controller = new AbortController();
      const followed: string[] = [];
      const following = (async () => {
        for await (const line of streamLogs(docker, id, { follow: true, tail: 0, filter: "followed", signal: controller.signal })) {
          followed.push(`${line.stream}:${line.text}`);
          if (followed.length === 1) controller.abort();
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await fixture.exec("worker", ["/bin/sh", "-c", `echo "${marker} followed" > /proc/1/fd/2`]);
      await following;
      expect(followed).toEqual([`stderr:${marker} followed`]);
    });
  });

  it("never shows an environment value of a fixture container in listings or inspect summaries", async () => {
    const values = new Set<string>();
    for (const env of Object.values(fixture.env)) for (const value of Object.values(env)) if (value.length >= 12) values.add(value);
    // Passwords, SECRET_KEY, DATABASE_URL, REDIS_URL, SITE_URL… and they are really in Docker's data:
    expect(values.size).toBeGreaterThanOrEqual(8);
    const raw = JSON.stringify(await docker.getContainer(fixture.containers.web.id).inspect());
    expect([...values].filter((v) => raw.includes(v)).length).toBeGreaterThanOrEqual(6);

    const outputs = [
      JSON.stringify(monitor.snapshot()),
      JSON.stringify(await listContainers(docker, "local")),
      ...(await Promise.all(Object.values(fixture.containers).map(async (c) => JSON.stringify(inspectSummary(await docker.getContainer(c.id).inspect()))))),
    ];
    for (const output of outputs) for (const value of values) expect(output.includes(value), `leaked ${value.slice(0, 6)}…`).toBe(false);
    // The health log is read from a running web: hold it (other files restart web).
    const summary = await fixture.exclusive("web", async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const s = inspectSummary(await docker.getContainer(fixture.containers.web.id).inspect());
        if ((s.health?.log.length ?? 0) > 0 || Date.now() > deadline) return s;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    expect(summary.envKeys).toEqual(expect.arrayContaining(["SECRET_KEY", "SITE_URL", "DISABLE_SECURE_SSL_REDIRECT", "DATABASE_URL"]));
    expect(summary.secretEnvKeys).toContain("SECRET_KEY");
    expect(summary.mounts.map((m) => m.destination)).toEqual(expect.arrayContaining(["/state", "/usr"]));
    expect(summary.health?.log.length).toBeGreaterThan(0);
  });
});

describe("disk usage", () => {
  it("reports the data root's filesystem and each named volume's size (docker system df)", async () => {
    const usage = await dockerDiskUsage(docker, "local", { local: true });
    expect(usage.dataRoot).toMatch(/^\//);
    expect(usage.dataRootFs).toMatchObject({ path: usage.dataRoot, level: expect.stringMatching(/ok|warn|critical/) });
    expect(usage.dataRootFs!.percentUsed).toBeGreaterThan(0);
    const pgVolume = usage.volumes.find((v) => v.name === `${fixture.project}_postgres_data`);
    expect(pgVolume).toMatchObject({ project: fixture.project, containers: 1 });
    expect(pgVolume!.sizeBytes).toBeGreaterThan(10 * 1024 * 1024); // an initialised cluster
    expect(usage.imagesBytes).toBeGreaterThan(0);
  });
});

describe("engines", () => {
  it("shows an unreachable engine as such, with when it was last reached, without breaking the others", async () => {
    const two = new EngineRegistry(
      [
        { id: "local", name: "This host", kind: "socket", socketPath: fixture.socketPath },
        { id: "gone", name: "Gone", kind: "socket", socketPath: "/tmp/opsdeck-no-such-engine.sock" },
      ],
      1_000,
    );
    const m = new DockerMonitor({ registry: two, refreshMs: 60_000 });
    await m.start();
    try {
      const snapshot = m.snapshot();
      expect(snapshot.engines).toEqual([
        expect.objectContaining({ id: "local", reachable: true, refreshedAt: expect.any(String) }),
        expect.objectContaining({ id: "gone", reachable: false, lastReachedAt: null, refreshedAt: null, lastError: expect.stringContaining("ENOENT") }),
      ]);
      expect(snapshot.stacks.some((s) => s.project === fixture.project)).toBe(true);
      expect(await two.check("gone")).toMatchObject({ reachable: false, endpoint: "unix:///tmp/opsdeck-no-such-engine.sock" });
      expect(await two.check("local")).toMatchObject({ reachable: true });
    } finally {
      await m.stop();
    }
  });
});
