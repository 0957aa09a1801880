import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProbeRunner } from "./probe-runner";

let server: net.Server;
let port: number;

beforeAll(async () => {
  server = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("ProbeRunner", () => {
  it("keeps the latest results in memory and joins a run in progress", async () => {
    const runner = new ProbeRunner([{ name: "port", type: "tcp", host: "127.0.0.1", port }], { intervalMs: 60_000 });
    expect(runner.results()).toEqual({ results: [], lastRunAt: null });
    const a = runner.runNow();
    const b = runner.runNow();
    expect(a).toBe(b);
    await a;
    expect(runner.results().results).toEqual([expect.objectContaining({ name: "port", status: "ok" })]);
    expect(runner.results().lastRunAt).toEqual(expect.any(String));
    runner.stop();
  });
});
