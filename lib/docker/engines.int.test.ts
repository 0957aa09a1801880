/**
 * Two real Docker engines side by side (a second dockerd on its own socket and data root): the
 * monitor shows each as its own environment; when one stops, it is shown unreachable with the time
 * it was last reached, its last listing kept, and the other engine unaffected.
 */
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBaseImage } from "../../e2e/fixtures/docker/base-image";
import { ensureDockerEngine, type DockerEngine } from "../../e2e/fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { DockerMonitor } from "./dashboard-data";
import { EngineRegistry } from "./engines";

let main: DockerEngine;
let second: DockerEngine;
let dir: string;
let stack: FixtureStack | undefined;

beforeAll(async () => {
  main = await ensureDockerEngine();
  // Short path: unix socket paths are limited to 107 bytes.
  dir = await mkdtemp("/tmp/od-e2-");
  second = await ensureDockerEngine({ socketPath: path.join(dir, "docker.sock") });
  await ensureBaseImage(second.docker);
  stack = await startFixtureStack(second.docker, {
    services: [{ service: "edge", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"], networkMode: "none" }],
  });
}, 180_000);

afterAll(async () => {
  await stack?.teardown().catch(() => undefined);
  await second?.stop();
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
});

describe("several Docker engines", () => {
  it("lists each engine's stacks, and marks a stopped engine unreachable with its last-reached time", async () => {
    expect(second.startedByUs).toBe(true);
    const registry = new EngineRegistry(
      [
        { id: "local", name: "This host", kind: "socket", socketPath: main.socketPath },
        { id: "edge", name: "Edge host", kind: "socket", socketPath: second.socketPath },
      ],
      1_000,
    );
    const monitor = new DockerMonitor({ registry, refreshMs: 500 });
    await monitor.start();
    try {
      let snapshot = monitor.snapshot();
      const edgeStack = snapshot.stacks.find((s) => s.engineId === "edge" && s.project === stack!.project);
      expect(edgeStack?.services.map((s) => s.service)).toEqual(["edge"]);
      expect(snapshot.stacks.filter((s) => s.project === stack!.project).map((s) => s.engineId)).toEqual(["edge"]);
      const reached = snapshot.engines.find((e) => e.id === "edge")!;
      expect(reached).toMatchObject({ reachable: true, name: "Edge host", endpoint: `unix://${second.socketPath}`, version: expect.any(String) });

      // Stop the engine with its container still there (removed with the engine's data root after).
      await second.stop();
      stack = undefined;
      const deadline = Date.now() + 10_000;
      while (monitor.snapshot().engines.find((e) => e.id === "edge")!.reachable && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      snapshot = monitor.snapshot();
      const edge = snapshot.engines.find((e) => e.id === "edge")!;
      expect(edge).toMatchObject({ reachable: false, lastError: expect.any(String) });
      expect(Date.parse(edge.lastReachedAt!)).toBeGreaterThanOrEqual(Date.parse(reached.lastReachedAt!));
      expect(snapshot.engines.find((e) => e.id === "local")).toMatchObject({ reachable: true });
      // The last listing is kept (with its time) rather than dropped.
      expect(snapshot.stacks.some((s) => s.engineId === "edge")).toBe(true);
      expect(Date.parse(edge.refreshedAt!)).toBeLessThanOrEqual(Date.now());
    } finally {
      await monitor.stop();
    }
  });
});
