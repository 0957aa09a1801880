/**
 * Restarts in the last hour survive a console restart: a monitor started after the restarts
 * happened learns them from the engine's events, replayed `since` an hour back (RestartCount cannot
 * tell it: a restart by hand leaves it at 0). A container of its own, so no fixture lock is needed.
 *
 * The engine keeps only its last 256 events (health check execs included), so on a busy engine the
 * replay reaches back minutes, not an hour: the monitor also keeps the restarts it sees in Postgres
 * (container_restarts) and a new monitor starts from those — the second test.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDockerEngine } from "../../e2e/fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { pool } from "../db/pool";
import { superuserQuery, useMigratedTestDatabase } from "../../test/test-database";
import { DockerMonitor } from "./dashboard-data";
import { EngineRegistry } from "./engines";
import { PgRestartStore } from "./restart-store";

let stack: FixtureStack;
let socketPath: string;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;

beforeAll(async () => {
  db = await useMigratedTestDatabase("restarts");
  const engine = await ensureDockerEngine();
  socketPath = engine.socketPath;
  stack = await startFixtureStack(engine.docker, {
    project: `opsdeck-test-restarts-${randomBytes(3).toString("hex")}`,
    services: [
      { service: "app", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 1 & wait $!; done"], networkMode: "none" },
      { service: "worker", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 1 & wait $!; done"], networkMode: "none" },
    ],
  });
}, 120_000);

afterAll(async () => {
  await stack?.teardown();
  await db?.cleanup();
});

function rowOf(monitor: DockerMonitor, service: string) {
  return monitor
    .snapshot()
    .stacks.find((s) => s.project === stack.project)
    ?.services.find((s) => s.service === service)?.containers[0];
}

describe("restarts in the last hour after a console restart", () => {
  it("a monitor started after two restarts by hand counts both, from the replayed events, and stores them", async () => {
    const { id, container } = stack.get("app");
    await container.restart({ t: 2 });
    await container.restart({ t: 2 });
    expect((await container.inspect()).RestartCount).toBe(0); // nothing to learn from the count

    // The "console restart": a monitor that never saw the restarts happen. (It must start soon after
    // them: the engine replays only its last 256 events, and health checks elsewhere fill that fast.)
    const store = new PgRestartStore(pool());
    const monitor = new DockerMonitor({ registry: new EngineRegistry([{ id: "local", name: "This host", kind: "socket", socketPath }]), restartStore: store, refreshMs: 60_000 });
    await monitor.start();
    try {
      expect(rowOf(monitor, "app")).toMatchObject({ id, state: "running", restartCount: 0, restartsLastHour: 2, crashLoop: false });
      // Seen in the replay, so stored: a later console restart still counts them when the engine has dropped them.
      await expect.poll(async () => (await store.since("local", Date.now() - 3600_000)).get(id)?.length ?? 0, { timeout: 15_000 }).toBe(2);
    } finally {
      await monitor.stop();
    }
  });

  it("restarts kept in Postgres count after a console restart even when the engine no longer replays them; the ones seen live are stored", async () => {
    // Its own container, never restarted by hand before: nothing here depends on the engine's replay.
    const { id, container } = stack.get("worker");
    const store = new PgRestartStore(pool());
    // Four restarts 50 to 20 minutes ago that the engine's event buffer has long dropped, and one of yesterday.
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    for (const at of [minutesAgo(50), minutesAgo(40), minutesAgo(30), minutesAgo(20), minutesAgo(26 * 60)]) {
      await superuserQuery(db.url, "insert into container_restarts (engine_id, container_id, at) values ('local', $1, $2)", [id, at]);
    }
    const monitor = new DockerMonitor({ registry: new EngineRegistry([{ id: "local", name: "This host", kind: "socket", socketPath }]), restartStore: store, refreshMs: 60_000 });
    await monitor.start();
    try {
      // 4 from the store: above the warn limit of 3 an hour, a crash loop.
      expect(rowOf(monitor, "worker")).toMatchObject({ id, restartsLastHour: 4, crashLoop: true });
      // The day-old row was pruned.
      const count = async () => Number((await superuserQuery<{ n: string }>(db.url, "select count(*) as n from container_restarts where container_id = $1", [id]))[0]!.n);
      expect(await count()).toBe(4);
      const before = Date.now();
      await container.restart({ t: 2 });
      await expect.poll(async () => (await store.since("local", before)).get(id)?.length ?? 0, { timeout: 15_000 }).toBe(1);
      await expect.poll(() => rowOf(monitor, "worker")?.restartsLastHour, { timeout: 15_000 }).toBe(5);
      expect(await count()).toBe(5);
    } finally {
      await monitor.stop();
    }
  });
});
