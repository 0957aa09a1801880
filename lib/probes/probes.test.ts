/**
 * Probes against servers on loopback made here (HTTP, a server that accepts and never answers, a
 * TLS server with a short-lived certificate): timeouts hold, results never throw.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeClickhouse } from "./clickhouse";
import { probeDisk } from "./disk";
import { probeHttp } from "./http";
import { probePostgres } from "./postgres";
import { probeRedis } from "./redis";
import { runProbes } from "./run-probes";
import { probeTcp } from "./tcp";
import { probeTlsExpiry } from "./tls-expiry";

const servers: Array<{ close(): void }> = [];
const sockets = new Set<net.Socket>();

async function listen(server: net.Server): Promise<number> {
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as net.AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let httpPort: number;
let hungPort: number;
let body: { status: number; text: string } = { status: 200, text: "{}" };

beforeAll(async () => {
  httpPort = await listen(
    http.createServer((req, res) => {
      if (req.url === "/hang") return; // never answers
      res.writeHead(body.status, { "content-type": "application/json" });
      res.end(body.text);
    }),
  );
  // Accepts TCP connections and never says a word (a hung database).
  hungPort = await listen(net.createServer(() => undefined));
});

afterAll(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

describe("http probe", () => {
  it("checks status and a JSON field's value", async () => {
    body = { status: 200, text: JSON.stringify({ status: "ok", nested: { n: 3 } }) };
    const ok = await probeHttp({ url: `http://127.0.0.1:${httpPort}/health`, json: { field: "status", equals: "ok" } });
    expect(ok).toMatchObject({ ok: true, status: "ok", data: { statusCode: 200 } });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(await probeHttp({ url: `http://127.0.0.1:${httpPort}/`, json: { field: "nested.n", equals: 4 } })).toMatchObject({
      ok: false,
      status: "critical",
      detail: expect.stringContaining("nested.n is 3, expected 4"),
    });
    body = { status: 503, text: '{"status":"down"}' };
    expect(await probeHttp({ url: `http://127.0.0.1:${httpPort}/` })).toMatchObject({ status: "critical", detail: expect.stringContaining("answered 503") });
    expect(await probeHttp({ url: `http://127.0.0.1:${httpPort}/`, expectStatus: [503] })).toMatchObject({ status: "ok" });
    body = { status: 200, text: "<html>" };
    expect(await probeHttp({ url: `http://127.0.0.1:${httpPort}/`, json: { field: "a", equals: 1 } })).toMatchObject({ status: "critical", detail: expect.stringContaining("not JSON") });
  });

  it("reports a timestamp older than the limit as stale, a recent one as ok", async () => {
    const url = `http://127.0.0.1:${httpPort}/health`;
    body = { status: 200, text: JSON.stringify({ last_sync: new Date(Date.now() - 30 * 60_000).toISOString() }) };
    expect(await probeHttp({ url, json: { field: "last_sync", maxAgeMinutes: 10 } })).toMatchObject({
      ok: false,
      status: "stale",
      detail: expect.stringMatching(/last_sync is 30 min old \(limit 10 min\)/),
    });
    body = { status: 200, text: JSON.stringify({ last_sync: Math.floor(Date.now() / 1000) - 5 }) }; // epoch seconds
    expect(await probeHttp({ url, json: { field: "last_sync", maxAgeMinutes: 10 } })).toMatchObject({ ok: true, status: "ok" });
    body = { status: 200, text: JSON.stringify({ last_sync: "yesterday-ish" }) };
    expect(await probeHttp({ url, json: { field: "last_sync", maxAgeMinutes: 10 } })).toMatchObject({ status: "critical", detail: expect.stringContaining("not a time") });
  });

  it("fails within its timeout on a server that never answers, and at once on a closed port", async () => {
    const hung = await probeHttp({ url: `http://127.0.0.1:${httpPort}/hang`, timeoutMs: 400 });
    expect(hung).toMatchObject({ ok: false, status: "critical", detail: expect.stringContaining("no answer within 400 ms") });
    expect(hung.latencyMs).toBeGreaterThanOrEqual(390);
    expect(hung.latencyMs).toBeLessThan(3000); // the timeout ended it (slack for a loaded CI machine)
    // A closed port is refused at once: with a 10 s timeout it must not be the timeout that ends it.
    const closed = await probeHttp({ url: `http://user:pw-secret@127.0.0.1:${await closedPort()}/x?token=t0k`, timeoutMs: 10_000 });
    expect(closed).toMatchObject({ ok: false, status: "critical" });
    expect(closed.detail).not.toMatch(/no answer within/);
    expect(closed.latencyMs).toBeLessThan(10_000);
    expect(closed.detail).not.toMatch(/pw-secret|t0k/);
  });
});

describe("tcp probe", () => {
  it("sees an open port and fails on a closed one within its timeout", async () => {
    expect(await probeTcp({ host: "127.0.0.1", port: httpPort })).toMatchObject({ ok: true, status: "ok" });
    const closed = await probeTcp({ host: "127.0.0.1", port: await closedPort(), timeoutMs: 10_000 });
    expect(closed).toMatchObject({ ok: false, status: "critical", detail: expect.stringContaining("ECONNREFUSED") }); // refused, not timed out
    expect(closed.latencyMs).toBeLessThan(10_000);
  });
});

describe("database probes against a server that accepts and never answers", () => {
  it.each([
    ["postgres", () => probePostgres({ url: `postgresql://u:secret-pw@127.0.0.1:${hungPort}/db`, timeoutMs: 500 })],
    ["redis", () => probeRedis({ url: `redis://:secret-pw@127.0.0.1:${hungPort}/0`, timeoutMs: 500 })],
    ["clickhouse", () => probeClickhouse({ url: `http://127.0.0.1:${hungPort}`, password: "secret-pw", timeoutMs: 500 })],
  ])("%s fails within its timeout without leaking the password", async (_name, probe) => {
    const started = Date.now();
    const result = await probe();
    expect(Date.now() - started).toBeLessThan(3000); // its 500 ms timeout ended it (slack for a loaded CI machine)
    expect(result).toMatchObject({ ok: false, status: "critical" });
    expect(result.detail).not.toContain("secret-pw");
  });

  it.each([
    ["postgres", (port: number) => probePostgres({ url: `postgresql://u:p@127.0.0.1:${port}/db`, timeoutMs: 10_000 })],
    ["redis", (port: number) => probeRedis({ url: `redis://127.0.0.1:${port}`, timeoutMs: 10_000 })],
    ["clickhouse", (port: number) => probeClickhouse({ url: `http://127.0.0.1:${port}`, timeoutMs: 10_000 })],
  ])("%s on a closed port fails fast (refused, not timed out)", async (_name, probe) => {
    const result = await probe(await closedPort());
    expect(result).toMatchObject({ ok: false, status: "critical" });
    expect(result.latencyMs).toBeLessThan(10_000);
  });
});

describe("tls-expiry probe", () => {
  let dir: string;
  const run = promisify(execFile);

  async function tlsServer(days: number): Promise<number> {
    const key = path.join(dir, `key-${days}.pem`);
    const cert = path.join(dir, `cert-${days}.pem`);
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", String(days), "-subj", "/CN=probe.test"]);
    return listen(tls.createServer({ key: await readFile(key), cert: await readFile(cert) }, (s) => s.end()));
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "opsdeck-tls-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reports days left: warn under 7, ok beyond, critical when expired", async () => {
    const soon = await probeTlsExpiry({ host: "127.0.0.1", port: await tlsServer(3), servername: "probe.test" });
    expect(soon).toMatchObject({ ok: true, status: "warn", data: { daysLeft: 2, trusted: false } });
    expect(soon.detail).toMatch(/certificate for probe\.test expires in 2 days .*not trusted/);
    const port = await tlsServer(90);
    expect(await probeTlsExpiry({ host: "127.0.0.1", port })).toMatchObject({ ok: true, status: "ok", data: { daysLeft: 89 } });
    const later = () => Date.now() + 100 * 86_400_000;
    expect(await probeTlsExpiry({ host: "127.0.0.1", port }, later)).toMatchObject({ ok: false, status: "critical", detail: expect.stringContaining("expired") });
  });

  it("fails within its timeout against a server that never completes the handshake", async () => {
    const result = await probeTlsExpiry({ host: "127.0.0.1", port: hungPort, timeoutMs: 400 });
    expect(result).toMatchObject({ ok: false, status: "critical", detail: expect.stringContaining("no answer within 400 ms") });
  });
});

describe("disk probe", () => {
  it("reports percent used per path and fails on a missing path", async () => {
    const result = await probeDisk({ paths: [tmpdir()] });
    expect(["ok", "warn", "critical"]).toContain(result.status);
    expect(result.detail).toMatch(/% used \(.* free\)/);
    expect(await probeDisk({ paths: [tmpdir()], limits: { warn: 0, critical: 0.0001 } })).toMatchObject({ status: "critical" });
    expect(await probeDisk({ paths: ["/nonexistent/opsdeck"] })).toMatchObject({ ok: false, status: "critical", detail: expect.stringContaining("ENOENT") });
  });
});

describe("runProbes", () => {
  it("returns by the global deadline, reporting unfinished probes as unknown", async () => {
    const started = Date.now();
    const results = await runProbes(
      [
        { name: "hung", type: "http", url: `http://127.0.0.1:${httpPort}/hang`, timeoutMs: 10_000 },
        { name: "port", type: "tcp", host: "127.0.0.1", port: httpPort, service: "web" },
      ],
      { deadlineMs: 500 },
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(results).toEqual([
      expect.objectContaining({ name: "hung", type: "http", status: "unknown", ok: false, detail: "no result within the 500 ms deadline" }),
      expect.objectContaining({ name: "port", type: "tcp", status: "ok", service: "web" }),
    ]);
  });
});
