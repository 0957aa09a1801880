/**
 * Restarts in the last hour survive a console restart: a monitor started after the restarts
 * happened learns them from the engine's events, replayed `since` an hour back (RestartCount cannot
 * tell it: a restart by hand leaves it at 0). A container of its own, so no fixture lock is needed.
 *
 * Limit (by Docker, not tested here): the engine keeps only its last 256 events, health check
 * execs included, so the replay reaches back minutes on a busy engine, not always a full hour.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDockerEngine } from "../../e2e/fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { DockerMonitor } from "./dashboard-data";
import { EngineRegistry } from "./engines";

let stack: FixtureStack;
let socketPath: string;

beforeAll(async () => {
  const engine = await ensureDockerEngine();
  socketPath = engine.socketPath;
  stack = await startFixtureStack(engine.docker, {
    project: `opsdeck-test-restarts-${randomBytes(3).toString("hex")}`,
    services: [{ service: "app", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 1 & wait $!; done"], networkMode: "none" }],
  });
}, 120_000);

afterAll(async () => {
  await stack?.teardown();
});

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
});
