/**
 * The health dashboard with 100 running containers (busybox `sleep`, the fixture base image):
 *  - the dashboard API's latency (median, p95): the monitor's in-memory snapshot → the JSON
 *    GET /api/v1/containers sends (sparklines included), built fresh each time in-process, and
 *    over loopback HTTP the way the route serves it (one build shared for up to 1 s);
 *  - against, in the same run, `docker stats --no-stream` for the same 100 containers and a
 *    naive per-request fan-out of `stats({ stream: false })`, which is what a page would cost
 *    without the background sampler;
 *  - the background cost: CPU of the stats sampler alone (100 streams) and of the whole monitor
 *    (sampler + events + periodic relisting) over 30 s, in % of one core.
 * Every container is labelled as a test fixture of this process (swept if the run crashes).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { ensureBaseImage } from "../e2e/fixtures/docker/base-image";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { FIXTURE_LABEL, OWNER_PID_LABEL, PROJECT_LABEL, SERVICE_LABEL } from "../e2e/fixtures/docker/fixture-stack";
import { CONTAINERS_CACHE_MS, containersJson } from "../lib/dashboard/api";
import { buildContainersPayload } from "../lib/dashboard/payloads";
import { DockerMonitor } from "../lib/docker/dashboard-data";
import { EngineRegistry } from "../lib/docker/engines";
import type { MonitoringInstances } from "../lib/docker/monitor-instance";
import { StatsSampler } from "../lib/docker/stats-sampler";
import { setLogLevel } from "../lib/log/logger";
import { defaultStackConfig } from "../lib/stack/config";

const COUNT = 100;
const REQUESTS = 300;
const CPU_WINDOW_MS = 30_000;
const run = promisify(execFile);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

async function timeEach(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function cpuPercentOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const t = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - t)) * 100;
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const times = (a: number, b: number) => `${Math.round(b / a).toLocaleString("en")}× faster`;

export async function benchDashboard(): Promise<string[][]> {
  setLogLevel("warn");
  const engine = await ensureDockerEngine();
  const docker = engine.docker;
  const image = await ensureBaseImage(docker);
  const project = `opsdeck-bench-${randomBytes(3).toString("hex")}`;
  const labels = { [PROJECT_LABEL]: project, [FIXTURE_LABEL]: "1", [OWNER_PID_LABEL]: String(process.pid) };
  const ids: string[] = [];
  process.stderr.write(`  starting ${COUNT} containers…\n`);
  try {
    await mapLimit(
      Array.from({ length: COUNT }, (_, i) => i),
      8,
      async (i) => {
        const c = await docker.createContainer({
          name: `${project}-sleeper-${i + 1}`,
          Image: image,
          Cmd: ["/bin/sleep", "3600"],
          Labels: { ...labels, [SERVICE_LABEL]: "sleeper", "com.docker.compose.container-number": String(i + 1) },
          HostConfig: { NetworkMode: "none", RestartPolicy: { Name: "no" } },
        });
        await c.start();
        ids.push(c.id);
      },
    );
    return await measure(docker, engine.socketPath, ids);
  } finally {
    process.stderr.write("  removing the containers…\n");
    await mapLimit(ids, 16, async (id) => {
      await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    });
  }
}

async function measure(docker: Docker, socketPath: string, ids: string[]): Promise<string[][]> {
  const registry = new EngineRegistry([{ id: "local", name: "bench", kind: "socket", socketPath }]);
  const monitor = new DockerMonitor({ registry });
  await monitor.start();
  const m = { config: defaultStackConfig(), registry, monitor } as unknown as MonitoringInstances;
  let payloadBytes = 0;
  let containersShown = 0;
  let server: ReturnType<typeof createServer> | null = null;
  try {
    // Every container sampled (a CPU % needs two readings), and a minute of history for the sparklines.
    const deadline = Date.now() + 90_000;
    while (ids.some((id) => monitor.latestStats("local", id)?.cpuPercent == null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    const sampled = ids.filter((id) => monitor.latestStats("local", id)?.cpuPercent != null).length;
    process.stderr.write(`  ${sampled}/${ids.length} sampled; measuring the API…\n`);

    const body = () => JSON.stringify(buildContainersPayload(m));
    await timeEach(30, body); // warm-up
    const inProcess = await timeEach(REQUESTS, body);
    const sample = buildContainersPayload(m);
    containersShown = sample.summary.containers;
    payloadBytes = Buffer.byteLength(JSON.stringify(sample));

    server = createServer((_req, res) => {
      const text = containersJson(m);
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(text);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/containers`;
    const get = async () => {
      const r = await fetch(url);
      await r.arrayBuffer();
    };
    await timeEach(30, get);
    const overHttp = await timeEach(REQUESTS, get);

    process.stderr.write("  docker stats --no-stream (3 runs)…\n");
    const cli = await timeEach(3, () => run("docker", ["stats", "--no-stream", "--format", "{{.ID}} {{.CPUPerc}} {{.MemUsage}}", ...ids], { maxBuffer: 16 * 1024 * 1024 }));
    process.stderr.write("  naive stats({stream:false}) fan-out (3 runs)…\n");
    const fanOut = await timeEach(3, () => Promise.all(ids.map((id) => docker.getContainer(id).stats({ stream: false }))));

    process.stderr.write(`  whole monitor CPU over ${CPU_WINDOW_MS / 1000} s…\n`);
    server.close();
    server = null;
    const monitorCpu = await cpuPercentOver(CPU_WINDOW_MS);
    await monitor.stop();

    process.stderr.write(`  stats sampler alone CPU over ${CPU_WINDOW_MS / 1000} s…\n`);
    const sampler = new StatsSampler({ docker: registry.get("local").streaming, engineId: "local" });
    sampler.sync(ids.map((id, i) => ({ id, name: `sleeper-${i + 1}`, project: null, service: null })));
    await new Promise((r) => setTimeout(r, 5_000));
    const samplerCpu = await cpuPercentOver(CPU_WINDOW_MS);
    await sampler.stop();

    const median = (s: number[]) => quantile(s, 0.5);
    const p95 = (s: number[]) => quantile(s, 0.95);
    const label = `dashboard API, ${ids.length} running (${containersShown} listed)`;
    return [
      [label, `median, in-process (snapshot → ${(payloadBytes / 1024).toFixed(0)} KiB JSON)`, ms(median(inProcess)), `docker stats --no-stream ${ms(median(cli))}`, times(median(inProcess), median(cli))],
      [label, "p95, in-process", ms(p95(inProcess)), `docker stats --no-stream ${ms(cli.at(-1)!)} (slowest of 3)`, times(p95(inProcess), cli.at(-1)!)],
      [label, `median, loopback HTTP as served (${CONTAINERS_CACHE_MS / 1000} s shared build)`, ms(median(overHttp)), `stats() fan-out ${ms(median(fanOut))}`, times(median(overHttp), median(fanOut))],
      [label, "p95, loopback HTTP as served", ms(p95(overHttp)), `stats() fan-out ${ms(fanOut.at(-1)!)} (slowest of 3)`, times(p95(overHttp), fanOut.at(-1)!)],
      [`stats sampler, ${ids.length} streams`, `CPU over ${CPU_WINDOW_MS / 1000} s, % of one core`, `${samplerCpu.toFixed(1)} %`, "—", "background cost"],
      [`whole monitor, ${containersShown} containers`, `CPU over ${CPU_WINDOW_MS / 1000} s (+ events, relisting every 5 s)`, `${monitorCpu.toFixed(1)} %`, "—", "background cost"],
    ];
  } finally {
    server?.close();
    await monitor.stop();
  }
}
