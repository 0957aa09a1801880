/** Monitoring as boot starts it: config from OPSDECK_CONFIG, the local engine, probes in the background. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDockerEngine } from "../../e2e/fixtures/docker/ensure-engine";
import { startMonitoring, stopMonitoring } from "./monitor-instance";

let dir: string | undefined;

afterAll(async () => {
  await stopMonitoring();
  delete process.env.OPSDECK_CONFIG;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("startMonitoring", () => {
  it("builds engines, thresholds and probes from the config file and serves snapshots from memory", async () => {
    const engine = await ensureDockerEngine();
    dir = await mkdtemp(path.join(tmpdir(), "opsdeck-monitor-"));
    const file = path.join(dir, "opsdeck.yaml");
    await writeFile(
      file,
      [
        "engines:",
        `  - { id: main, name: Main, socket: ${engine.socketPath} }`,
        "probes:",
        `  - { name: tmp disk, type: disk, paths: ["${dir}"] }`,
        "thresholds:",
        "  cpuPercent: { warn: 70 }",
      ].join("\n"),
    );
    process.env.OPSDECK_CONFIG = file;
    const { config, monitor, probes } = await startMonitoring({ refreshMs: 60_000 });
    expect(config.file).toBe(file);
    expect(monitor.thresholds.cpuPercent).toEqual({ warn: 70, critical: 90 });
    const snapshot = monitor.snapshot();
    expect(snapshot.engines).toEqual([expect.objectContaining({ id: "main", name: "Main", reachable: true })]);
    expect(await startMonitoring()).toMatchObject({ monitor }); // one per process
    const results = await probes.runNow();
    expect(results).toEqual([expect.objectContaining({ name: "tmp disk", type: "disk", ok: true })]);
  });
});
