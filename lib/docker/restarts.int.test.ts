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
    services: [{ service: "app", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 1 & wait $!; done"], networkMode: "none" }],
  });
}, 120_000);

afterAll(async () => {
  await stack?.teardown();
  await db?.cleanup();
});

function appRow(monitor: DockerMonitor) {
  return monitor
    .snapshot()
    .stacks.find((s) => s.project === stack.project)
    ?.services.find((s) => s.service === "app")?.containers[0];
}

describe("restarts in the last hour after a console restart", () => {
  it("a monitor started after two restarts by hand counts both, from the replayed events", async () => {
    const { id, container } = stack.get("app");
    await container.restart({ t: 2 });
    await container.restart({ t: 2 });
    expect((await container.inspect()).RestartCount).toBe(0); // nothing to learn from the count

    // The "console restart": a monitor that never saw the restarts happen.
    const monitor = new DockerMonitor({ registry: new EngineRegistry([{ id: "local", name: "This host", kind: "socket", socketPath }]), refreshMs: 60_000 });
    await monitor.start();
    try {
      const row = monitor
        .snapshot()
        .stacks.find((s) => s.project === stack.project)
        ?.services.find((s) => s.service === "app")?.containers[0];
      expect(row).toMatchObject({ id, state: "running", restartCount: 0, restartsLastHour: 2, crashLoop: false });
    } finally {
      await monitor.stop();
    }
  });

  it("restarts kept in Postgres count after a console restart even when the engine no longer replays them; the ones seen live are stored", async () => {
    const { id, container } = stack.get("app");
    const registry = () => new EngineRegistry([{ id: "local", name: "This host", kind: "socket", socketPath }]);
    const store = new PgRestartStore(pool());
    // Four restarts 50 to 20 minutes ago that the engine's event buffer has long dropped, and one of yesterday.
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    for (const at of [minutesAgo(50), minutesAgo(40), minutesAgo(30), minutesAgo(20), minutesAgo(26 * 60)]) {
      await superuserQuery(db.url, "insert into container_restarts (engine_id, container_id, at) values ('local', $1, $2)", [id, at]);
    }
    const monitor = new DockerMonitor({ registry: registry(), restartStore: store, refreshMs: 60_000 });
    await monitor.start();
    try {
      // 4 from the store + the 2 by hand of the first test, replayed by the engine: a crash loop.
      expect(appRow(monitor)).toMatchObject({ id, restartsLastHour: 6, crashLoop: true });
      // The day-old row was pruned; the two restarts replayed by the engine were stored when seen.
      const rows = await superuserQuery<{ n: string }>(db.url, "select count(*) as n from container_restarts where container_id = $1", [id]);
      expect(Number(rows[0]!.n)).toBe(6);
      const before = Date.now(); // the first test's restarts are all older (they may be under a second old)
      await container.restart({ t: 2 });
      await expect.poll(async () => (await store.since("local", before)).get(id)?.length ?? 0, { timeout: 15_000 }).toBe(1);
      await expect.poll(() => appRow(monitor)?.restartsLastHour, { timeout: 15_000 }).toBe(7);
    } finally {
      await monitor.stop();
    }
  });
});
