/**
 * An engine that does not answer must not stop monitoring (nor the console's start): the monitor
 * starts, the dashboard data says the engine is unreachable and since when, and the health API
 * lists it first among what needs attention.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildContainersPayload, buildHealthPayload } from "../dashboard/payloads";
import { startMonitoring, stopMonitoring } from "./monitor-instance";

let dir: string | undefined;

afterAll(async () => {
  await stopMonitoring();
  delete process.env.OPSDECK_CONFIG;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("monitoring with an unreachable engine", () => {
  it("starts anyway and reports the engine as unreachable", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "opsdeck-unreachable-"));
    const file = path.join(dir, "opsdeck.yaml");
    await writeFile(file, ["engines:", `  - { id: gone, name: Gone host, socket: ${path.join(dir, "no-such-docker.sock")} }`].join("\n"));
    process.env.OPSDECK_CONFIG = file;
    const started = Date.now();
    const m = await startMonitoring({ dataDir: dir });
    expect(Date.now() - started).toBeLessThan(5_000);
    const containers = buildContainersPayload(m);
    expect(containers.engines).toEqual([expect.objectContaining({ id: "gone", name: "Gone host", reachable: false, lastReachedAt: null, refreshedAt: null })]);
    expect(containers.stacks).toEqual([]);
    const health = buildHealthPayload(m);
    expect(health.status).toBe("critical");
    expect(health.attention[0]).toMatchObject({ level: "critical", subject: "Engine Gone host", text: expect.stringMatching(/not reached since the console started/) });
    await m.disk.measureEngines();
    expect(m.disk.latest().engines).toEqual([expect.objectContaining({ engineId: "gone", usage: null, error: expect.stringContaining("ENOENT") })]);
  });
});
