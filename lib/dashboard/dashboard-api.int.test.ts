/**
 * The dashboard's API, actions, logs and metrics against the PostHog-like fixture on the real
 * Docker engine, through the same functions the route handlers call (with a request context as
 * requestContext() builds it): authorization, the fixture's containers with their health, db
 * down within one refresh, the crash-looping worker flagged, a stale /health, restart by an
 * operator (audited), a viewer denied (audited), /metrics behind its token, logs audited and
 * masked — and no environment value of any fixture container in any of it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerView } from "@/app/(console)/containers/[id]/container-view";
import { getSharedPosthogFixture } from "@/e2e/fixtures/posthog/shared";
import type { PosthogFixture, PosthogService } from "@/e2e/fixtures/posthog/stack";
import { contextFor, createTestUser, signedInActor } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import type { Role } from "../auth/policy";
import { pool } from "../db/pool";
import { restartContainerAction } from "../docker/actions/restart-container";
import { restartServiceAction } from "../docker/actions/restart-service";
import { stopContainerAction } from "../docker/actions/stop-container";
import { startMonitoring, stopMonitoring, type MonitoringInstances } from "../docker/monitor-instance";
import { containerResponse, containersResponse, healthResponse } from "./api";
import { invalidateBackupAttention } from "./backup-attention";
import { logsResponse } from "./logs-response";
import { checkMetricsToken, metricsResponse } from "./metrics";
import { containerPageData } from "./page-data";
import type { ContainersPayload, DashboardContainer, HealthPayload } from "./payloads";

const METRICS_TOKEN = "metrics-token-for-the-integration-test-0123456789";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let m: MonitoringInstances;
let dir: string;
const ctx: Partial<Record<Role | "anonymous", ActionContext>> = {};
const outputs: string[] = []; // every response body, page and log read, searched for env values at the end

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  fixture = await getSharedPosthogFixture();
  db = await useMigratedTestDatabase("dash");
  dir = await mkdtemp(path.join(tmpdir(), "opsdeck-dash-"));
  const file = path.join(dir, "opsdeck.yaml");
  const closed = await closedPort();
  await writeFile(
    file,
    [
      "engines:",
      `  - { id: local, name: Test host, socket: ${fixture.socketPath} }`,
      "services:",
      `  db: { kind: postgres, project: ${fixture.project}, stateful: true, connection: { host: 127.0.0.1, port: ${fixture.ports.postgres}, user: posthog, database: posthog, passwordEnv: DASH_TEST_PG_PASSWORD } }`,
      `  web: { kind: app, project: ${fixture.project} }`,
      `  worker: { kind: app, project: ${fixture.project} }`,
      "probes:",
      `  - { name: web status, type: http, service: web, url: "${fixture.urls.webHealth}", json: { field: status, equals: ok }, timeoutMs: 3000 }`,
      `  - { name: web freshness, type: http, service: web, url: "${fixture.urls.webHealth}", json: { field: last_sync, maxAgeMinutes: 10 }, timeoutMs: 3000 }`,
      "  - { name: Postgres answers, type: postgres, service: db }",
      `  - { name: closed port, type: tcp, host: 127.0.0.1, port: ${closed}, timeoutMs: 1000 }`,
      "metrics: { bearerTokenEnv: DASH_TEST_METRICS_TOKEN }",
    ].join("\n"),
  );
  process.env.OPSDECK_CONFIG = file;
  process.env.DASH_TEST_PG_PASSWORD = fixture.credentials.postgres.password;
  process.env.DASH_TEST_METRICS_TOKEN = METRICS_TOKEN;
  m = await startMonitoring({ pool: pool(), refreshMs: 2_000, probeIntervalMs: 60_000, dataDir: dir });
  await m.probes.runNow();
  for (const role of ["viewer", "operator", "admin", "auditor"] as const) ctx[role] = contextFor(await signedInActor(await createTestUser({ role })));
  ctx.anonymous = contextFor(null);
}, 240_000);

afterAll(async () => {
  await stopMonitoring();
  delete process.env.OPSDECK_CONFIG;
  await db?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  await fixture?.release();
});

/** Holds the fixture's cross-file lock on a service: other test files stop, restart or break services of the shared stack. */
function locked<T>(service: PosthogService, fn: () => Promise<T>): Promise<T> {
  return fixture.exclusive(service, fn);
}

/** Retries `fn` until it stops throwing (another file may be restarting a service right now). */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function json<T>(response: Response | Promise<Response>): Promise<{ status: number; body: T }> {
  const r = await response;
  const text = await r.text();
  outputs.push(text);
  return { status: r.status, body: JSON.parse(text) as T };
}

function fixtureRow(payload: ContainersPayload, service: PosthogService): DashboardContainer {
  const stack = payload.stacks.find((s) => s.project === fixture.project);
  const row = stack?.services.find((s) => s.service === service)?.containers[0];
  if (!row) throw new Error(`${service} not in the payload`);
  return row;
}

async function containers(): Promise<ContainersPayload> {
  const { status, body } = await json<ContainersPayload>(containersResponse(ctx.viewer!));
  expect(status).toBe(200);
  return body;
}

/** Polls like the dashboard does (every 3 s by default, faster here), until `check` holds or the time is up. */
async function pollUntil(check: (p: ContainersPayload) => boolean, timeoutMs: number, everyMs = 250): Promise<{ payload: ContainersPayload; ms: number }> {
  const started = Date.now();
  for (;;) {
    const payload = await containers();
    if (check(payload) || Date.now() - started > timeoutMs) return { payload, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function auditRows(action: string, resourceId?: string) {
  return superuserQuery<{ outcome: string; correlation_id: string; actor_email: string | null; params: Record<string, unknown> | null; error: string | null; resource_id: string | null }>(
    db.url,
    `select outcome, correlation_id, actor_email, params, error, resource_id from audit_events where action = $1 ${resourceId ? "and resource_id = $2" : ""} order by seq`,
    resourceId ? [action, resourceId] : [action],
  );
}

async function startedAt(service: PosthogService): Promise<string> {
  return (await fixture.container(service).inspect()).State.StartedAt;
}

describe("GET /api/v1/containers and /api/v1/health", () => {
  it("needs a session (401) and the permission (403, audited as denied)", async () => {
    const anonymous = await json<{ error: { code: string } }>(containersResponse(ctx.anonymous!));
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    const auditor = await json<{ error: { code: string } }>(containersResponse(ctx.auditor!));
    expect(auditor).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect((await json(healthResponse(ctx.auditor!))).status).toBe(403);
    expect((await json(containerResponse(ctx.auditor!, fixture.containers.web.id))).status).toBe(403);
    const denied = await auditRows("api.request");
    expect(denied.map((r) => [r.outcome, r.resource_id, r.actor_email])).toEqual([
      ["denied", "/api/v1/containers", ctx.auditor!.actor!.email],
      ["denied", "/api/v1/health", ctx.auditor!.actor!.email],
      ["denied", "/api/v1/containers/:id", ctx.auditor!.actor!.email],
    ]);
    expect((await json(containersResponse(ctx.operator!))).status).toBe(200);
    expect((await json(healthResponse(ctx.admin!))).status).toBe(200);
  });

  it("reports the fixture's containers grouped by service, with health, config kinds and 15-minute series", async () => {
    // Each service read under its own lock, one after the other: other files stop and restart
    // services of the shared stack (locks are never nested).
    for (const service of ["db", "redis", "clickhouse", "web"] as const) {
      await locked(service, async () => {
        const { payload } = await pollUntil((p) => fixtureRow(p, service).stats !== null && fixtureRow(p, service).health === "healthy", 60_000);
        // (No crashLoop assertion: restarts by other files in the last hour count, and the flag is tested below.)
        expect(fixtureRow(payload, service), service).toMatchObject({ state: "running", health: "healthy", levels: { state: "ok" } });
        expect(fixtureRow(payload, service).stats!.memLimitBytes).toBeGreaterThan(0);
        expect(fixtureRow(payload, service).spark!.cpu).toHaveLength(45);
        if (service === "db") {
          expect(fixtureRow(payload, "db").lastHealthcheck?.output).toMatch(/accepting connections/);
          const one = await json<{ container: DashboardContainer; stateful: boolean }>(containerResponse(ctx.viewer!, fixture.containers.db.id.slice(0, 12)));
          expect(one).toMatchObject({ status: 200, body: { stateful: true, container: { id: fixture.containers.db.id, state: "running" } } });
          expect(one.body.container.spark!.cpu).toHaveLength(90);
        }
      });
    }
    await locked("worker", async () => {
      // Running, but maybe still flagged: another file may have made it crash-loop within the hour.
      const { payload } = await pollUntil((p) => fixtureRow(p, "worker").state === "running", 60_000);
      expect(fixtureRow(payload, "worker")).toMatchObject({ state: "running", health: "none" });
    });
    const payload = await containers();
    const stack = payload.stacks.find((s) => s.project === fixture.project)!;
    expect(stack.services.map((s) => s.service)).toEqual(["clickhouse", "db", "redis", "web", "worker"]);
    expect(stack.services.find((s) => s.service === "db")).toMatchObject({ kind: "postgres", stateful: true });
    expect(stack.services.find((s) => s.service === "web")).toMatchObject({ kind: "app", stateful: false });
    expect(payload.engines).toEqual([expect.objectContaining({ id: "local", name: "Test host", reachable: true })]);
    expect((await json(containerResponse(ctx.viewer!, "web; reboot"))).status).toBe(400);
    expect((await json(containerResponse(ctx.viewer!, "ab".repeat(32)))).status).toBe(404);
  });

  it("reports probes (a closed port fails within its timeout), engines, disk and what needs attention", async () => {
    // Each probed service under its own lock, one after the other (never nested): other files
    // stop and restart them. Just restored, a service may still be starting: retry inside the lock.
    for (const [service, name] of [["web", "web status"], ["db", "Postgres answers"]] as const) {
      await locked(service, () =>
        eventually(async () => {
          await m.probes.runNow();
          const r = await json<HealthPayload>(healthResponse(ctx.viewer!));
          const result = r.body.probes.results.find((p) => p.name === name);
          if (result?.status !== "ok") throw new Error(`${name}: ${result?.status ?? "not run"} (${result?.detail ?? ""})`);
          expect(result).toMatchObject(name === "web status" ? { ok: true, status: "ok", type: "http", service: "web" } : { ok: true, status: "ok" });
        }, 30_000),
      );
    }
    const { status, body } = await json<HealthPayload>(healthResponse(ctx.viewer!));
    expect(status).toBe(200);
    const probe = (name: string) => body.probes.results.find((p) => p.name === name)!;
    expect(probe("closed port")).toMatchObject({ ok: false, status: "critical" });
    expect(probe("closed port").latencyMs).toBeLessThan(1_500);
    expect(body.attention).toEqual(expect.arrayContaining([expect.objectContaining({ level: "critical", subject: "Probe closed port" })]));
    expect(body.status).toBe("critical");
    expect(body.disk.paths).toEqual([expect.objectContaining({ label: "Console data", usage: expect.objectContaining({ percentUsed: expect.any(Number) }) })]);
    await m.disk.measureEngines();
    const again = await json<HealthPayload>(healthResponse(ctx.viewer!));
    expect(again.body.disk.engines[0]!.usage!.volumes.map((v) => v.name)).toContain(`${fixture.project}_postgres_data`);
  });

  it("a failed last backup of db is in what needs attention, linking to the Backups page", async () => {
    await superuserQuery(
      db.url,
      `insert into backup_runs (id, stack, service, engine, status, trigger, backup_id, created_at, finished_at, error)
       values (gen_random_uuid(), $1, 'db', 'postgres', 'failed', 'schedule', $2, now(), now(), 'pg_dump: error: connection to server failed')`,
      [fixture.project, `${fixture.project}/db/20261125T020000000Z`],
    );
    invalidateBackupAttention();
    const { body } = await json<HealthPayload>(healthResponse(ctx.viewer!));
    expect(body.attention).toEqual(
      expect.arrayContaining([{ level: "critical", subject: `Backup of db (${fixture.project})`, text: expect.stringContaining("pg_dump: error: connection to server failed"), href: "/backups" }]),
    );
    await superuserQuery(db.url, "delete from backup_runs");
    invalidateBackupAttention();
  });

  it("shows a stale /health as stale, with the runbook's advice", async () => {
    await fixture.exclusive("web", async () => {
      try {
        await fixture.setLastSync(new Date(Date.now() - 60 * 60_000));
        await m.probes.runNow();
        const { body } = await json<HealthPayload>(healthResponse(ctx.viewer!));
        const freshness = body.probes.results.find((p) => p.name === "web freshness")!;
        expect(freshness).toMatchObject({ status: "stale", ok: false });
        expect(freshness.advice).toMatch(/not being refreshed/);
        expect(body.probes.results.find((p) => p.name === "web status")).toMatchObject({ status: "ok" });
      } finally {
        await fixture.resumeSync();
        await m.probes.runNow();
      }
    });
  });

  it("shows db down within one dashboard refresh (3 s) after it stops, and healthy again after a start", async () => {
    await fixture.exclusive("db", async () => {
      const docker = fixture.docker;
      try {
        await docker.getContainer(fixture.containers.db.id).stop({ t: 10 });
        const { payload, ms } = await pollUntil((p) => fixtureRow(p, "db").state === "exited", 3_000);
        expect(fixtureRow(payload, "db")).toMatchObject({ state: "exited", stats: null, spark: null });
        expect(ms).toBeLessThan(3_000);
        expect(payload.stacks.find((s) => s.project === fixture.project)!.level).not.toBe("ok");
        await m.probes.runNow();
        const { body } = await json<HealthPayload>(healthResponse(ctx.viewer!));
        expect(body.probes.results.find((p) => p.name === "Postgres answers")).toMatchObject({ ok: false, status: "critical" });
        expect(body.attention.some((a) => a.containerId === fixture.containers.db.id)).toBe(true);
      } finally {
        await docker.getContainer(fixture.containers.db.id).start().catch(() => undefined);
        await pollUntil((p) => fixtureRow(p, "db").health === "healthy", 60_000);
        await m.probes.runNow();
      }
    });
  });

  it("flags the crash-looping worker, first in its stack and in what needs attention", async () => {
    await locked("worker", async () => {
      try {
        // The flag is set through web (they share the state volume), which another file may be restarting.
        await eventually(() => fixture.setWorkerCrashing(true));
        const { payload } = await pollUntil((p) => fixtureRow(p, "worker").crashLoop, 30_000);
        const worker = fixtureRow(payload, "worker");
        expect(worker).toMatchObject({ crashLoop: true, levels: { restarts: expect.stringMatching(/warn|critical/) } });
        expect(worker.restartsLastHour).toBeGreaterThan(3);
        const { body } = await json<HealthPayload>(healthResponse(ctx.viewer!));
        expect(body.attention.find((a) => a.containerId === worker.id)?.text).toMatch(/crash loop: \d+ restarts in the last hour/);
        expect(body.summary.crashLooping).toBeGreaterThanOrEqual(1);
      } finally {
        await eventually(() => fixture.setWorkerCrashing(false));
      }
    });
  });
});

describe("container actions", () => {
  it("an operator restarts web with a reason: followed until healthy, started + succeeded audit rows", async () => {
    await fixture.exclusive("web", async () => {
      const id = fixture.containers.web.id;
      const before = await startedAt("web");
      const result = await executeAction(restartContainerAction, ctx.operator!, { id, reason: "integration test: web restart" });
      expect(result).toMatchObject({ ok: true, data: { id, outcome: "healthy", health: "healthy", name: fixture.containers.web.name } });
      expect(Date.parse(await startedAt("web"))).toBeGreaterThan(Date.parse(before));
      const rows = await auditRows("container.restart", id);
      expect(rows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
      expect(rows[0]!.correlation_id).toBe(rows[1]!.correlation_id);
      expect(rows[0]).toMatchObject({ actor_email: ctx.operator!.actor!.email, params: { reason: "integration test: web restart", confirmed: false } });
      const { payload } = await pollUntil((p) => fixtureRow(p, "web").health === "healthy" && fixtureRow(p, "web").state === "running", 5_000);
      expect(fixtureRow(payload, "web").health).toBe("healthy");
    });
  });

  it("a viewer calling the restart action directly is denied (FORBIDDEN), audited, and nothing restarts", () => locked("web", async () => {
    const id = fixture.containers.web.id;
    const before = await startedAt("web");
    const result = await executeAction(restartContainerAction, ctx.viewer!, { id, reason: "I should not be able to" });
    expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const anonymous = await executeAction(restartContainerAction, ctx.anonymous!, { id, reason: "nobody" });
    expect(anonymous).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    const auditor = await executeAction(stopContainerAction, ctx.auditor!, { id, reason: "auditors only read" });
    expect(auditor).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await startedAt("web")).toBe(before);
    const denied = await superuserQuery<{ action: string; outcome: string; actor_email: string | null; error: string }>(
      db.url,
      "select action, outcome, actor_email, error from audit_events where action in ('container.restart', 'container.stop') and outcome = 'denied' order by seq",
    );
    expect(denied).toEqual([
      { action: "container.restart", outcome: "denied", actor_email: ctx.viewer!.actor!.email, error: "missing permission containers.control" },
      { action: "container.restart", outcome: "denied", actor_email: null, error: "not signed in" },
      { action: "container.stop", outcome: "denied", actor_email: ctx.auditor!.actor!.email, error: "missing permission containers.control" },
    ]);
  }));

  it("requires a reason, and the service name typed for a stateful service", () => locked("db", async () => {
    const id = fixture.containers.db.id;
    const before = await startedAt("db");
    expect(await executeAction(restartContainerAction, ctx.operator!, { id, reason: " " })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", fieldErrors: { reason: [expect.any(String)] } } });
    expect(await executeAction(restartContainerAction, ctx.operator!, { id: "db; reboot", reason: "a reason" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    const unconfirmed = await executeAction(restartContainerAction, ctx.operator!, { id, reason: "no confirmation typed", confirm: "web" });
    expect(unconfirmed).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", message: expect.stringContaining("type its name, db") } });
    const service = await executeAction(restartServiceAction, ctx.admin!, { engineId: "local", project: fixture.project, service: "db", reason: "whole service" });
    expect(service).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await startedAt("db")).toBe(before);
    expect((await auditRows("container.restart", id)).map((r) => [r.outcome, r.error?.slice(0, 13) ?? null])).toEqual([
      ["started", null],
      ["failed", "INVALID_INPUT"],
    ]);
  }));

  it("restarts a whole compose service (rolling, each container followed until it is up)", async () => {
    // The worker: no other test file reads from it (backups read db, redis, clickhouse).
    await fixture.exclusive("worker", async () => {
      const before = await startedAt("worker");
      const result = await executeAction(restartServiceAction, ctx.operator!, { engineId: "local", project: fixture.project, service: "worker", reason: "rolling restart test" });
      expect(result).toMatchObject({ ok: true, data: { containers: [{ id: fixture.containers.worker.id, outcome: "running" }] } });
      expect(Date.parse(await startedAt("worker"))).toBeGreaterThan(Date.parse(before));
      expect((await auditRows("service.restart", `local/${fixture.project}/worker`)).map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    });
  });
});

describe("logs", () => {
  it("streams tail / filter with stdout and stderr told apart, masks the container's secrets, and audits each read", async () => {
    await fixture.exclusive("worker", async () => {
      const id = fixture.containers.worker.id;
      const marker = `dash-log-${Date.now()}`;
      const wrote = await fixture.exec("worker", ["/bin/sh", "-c", `echo "${marker} out connecting to $DATABASE_URL" > /proc/1/fd/1; echo "${marker} err key=$SECRET_KEY" > /proc/1/fd/2`]);
      expect(wrote.exitCode).toBe(0);
      const response = await logsResponse(ctx.viewer!, id, new URLSearchParams({ tail: "500", filter: marker }));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
      const body = await response.text();
      outputs.push(body);
      const lines = [...body.matchAll(/^event: line\ndata: (.*)$/gm)].map((match) => JSON.parse(match[1]!) as { s: string; x: string });
      expect(lines.map((l) => l.s).sort()).toEqual(["stderr", "stdout"]);
      expect(lines.find((l) => l.s === "stdout")!.x).toMatch(new RegExp(`^${marker} out connecting to postgresql://posthog:••••••@127\\.0\\.0\\.1:\\d+/posthog$`));
      expect(lines.find((l) => l.s === "stderr")!.x).toBe(`${marker} err key=••••••`);
      expect(body).toMatch(/event: end\ndata: \{"lines":2\}/);

      const text = await logsResponse(ctx.operator!, id, new URLSearchParams({ tail: "500", filter: marker, format: "text", stdout: "0" }));
      expect(text.headers.get("content-disposition")).toMatch(/^attachment; filename=".*-logs-.*\.txt"$/);
      const download = await text.text();
      outputs.push(download);
      expect(download.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^\\S+Z stderr ${marker} err key=••••••$`))]);

      // The outcome row is written when the stream closes, just after the client has read it: wait for it (bounded).
      await expect.poll(async () => (await auditRows("logs.view", id)).map((r) => r.outcome), { timeout: 10_000 }).toEqual(["started", "succeeded", "started", "succeeded"]);
      const rows = await auditRows("logs.view", id);
      expect(rows[0]).toMatchObject({ actor_email: ctx.viewer!.actor!.email, params: expect.objectContaining({ filter: marker, tail: 500, follow: false, format: "sse" }) });
    });
  });

  it("follows new lines live until the reader goes away", async () => {
    await fixture.exclusive("worker", async () => {
      const id = fixture.containers.worker.id;
      const marker = `dash-follow-${Date.now()}`;
      const controller = new AbortController();
      const response = await logsResponse(ctx.operator!, id, new URLSearchParams({ tail: "0", follow: "1", filter: marker }), controller.signal);
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let seen = "";
      await new Promise((r) => setTimeout(r, 300));
      const wrote = await fixture.exec("worker", ["/bin/sh", "-c", `echo "${marker} live line" > /proc/1/fd/1`]);
      expect(wrote.exitCode).toBe(0);
      const deadline = Date.now() + 10_000;
      while (!seen.includes(`${marker} live line`) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
      expect(seen).toContain(`"s":"stdout","t":`);
      expect(seen).toContain(`"x":"${marker} live line"`);
      controller.abort();
      await reader.cancel().catch(() => undefined);
      const until = Date.now() + 5_000;
      while ((await auditRows("logs.view", id)).length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const rows = await auditRows("logs.view", id);
      expect(rows.slice(4).map((r) => [r.outcome, r.params?.follow])).toEqual([
        ["started", true],
        ["succeeded", true],
      ]);
    });
  });

  it("denies log reads to roles without logs.view and to anonymous callers, audited", async () => {
    const id = fixture.containers.worker.id;
    expect((await logsResponse(ctx.auditor!, id, new URLSearchParams())).status).toBe(403);
    expect((await logsResponse(ctx.anonymous!, id, new URLSearchParams())).status).toBe(401);
    expect((await logsResponse(ctx.viewer!, "not-an-id", new URLSearchParams())).status).toBe(400);
    expect((await logsResponse(ctx.viewer!, id, new URLSearchParams({ tail: "99999999" }))).status).toBe(400);
    const denied = await superuserQuery<{ outcome: string; actor_email: string | null }>(db.url, "select outcome, actor_email from audit_events where action = 'logs.view' and outcome = 'denied' order by seq");
    expect(denied).toEqual([
      { outcome: "denied", actor_email: ctx.auditor!.actor!.email },
      { outcome: "denied", actor_email: null },
    ]);
  });
});

describe("/metrics", () => {
  it("requires the bearer token, and is off when no token is configured", async () => {
    expect((await metricsResponse(null)).status).toBe(401);
    expect((await metricsResponse("Bearer wrong-token")).status).toBe(401);
    expect((await metricsResponse(`Basic ${METRICS_TOKEN}`)).status).toBe(401);
    const ok = await metricsResponse(`Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    outputs.push(await ok.text());
    // One scrape per service, each under that service's lock (never nested): other files stop and restart them.
    const labels = (service: string) => `engine="local",project="${fixture.project}",service="${service}",container="${fixture.project}-${service}-1",id="${fixture.containers[service as PosthogService].id.slice(0, 12)}"`;
    const scrape = async () => {
      await m.probes.runNow();
      const t = await (await metricsResponse(`Bearer ${METRICS_TOKEN}`)).text();
      outputs.push(t);
      return t;
    };
    const dbText = await locked("db", () =>
      eventually(async () => {
        const t = await scrape();
        if (!t.includes('opsdeck_probe_up{probe="Postgres answers",type="postgres",service="db"} 1')) throw new Error("the Postgres probe does not answer yet");
        if (!t.includes(`opsdeck_container_state{${labels("db")},state="running"} 1`)) throw new Error("db not running yet");
        return t;
      }),
    );
    expect(dbText).toContain(`opsdeck_container_state{${labels("db")},state="running"} 1`);
    expect(dbText).toContain('opsdeck_probe_up{probe="Postgres answers",type="postgres",service="db"} 1');
    const webText = await locked("web", () =>
      eventually(async () => {
        const t = await scrape();
        if (!t.includes(`opsdeck_container_health{${labels("web")},health="healthy"} 1`)) throw new Error("web not healthy yet");
        return t;
      }),
    );
    expect(webText).toContain(`opsdeck_container_health{${labels("web")},health="healthy"} 1`);
    const text = await locked("redis", () =>
      eventually(async () => {
        const t = await scrape();
        if (!new RegExp(`opsdeck_container_memory_used_bytes\\{${labels("redis").replace(/[{}.]/g, "\\$&")}\\} \\d+`).test(t)) throw new Error("redis not sampled yet");
        return t;
      }),
    );
    expect(text).toMatch(new RegExp(`opsdeck_container_memory_used_bytes\\{${labels("redis").replace(/[{}.]/g, "\\$&")}\\} \\d+`));
    expect(text).toMatch(/opsdeck_container_cpu_percent\{/);
    expect(text).toMatch(/opsdeck_container_restarts_last_hour\{/);
    expect(text).toContain('opsdeck_probe_up{probe="closed port",type="tcp",service=""} 0');
    expect(text).toContain('opsdeck_engine_up{engine="local",name="Test host"} 1');
    expect(text).toMatch(/^opsdeck_process_cpu_seconds_total /m);

    expect(checkMetricsToken(m, `Bearer ${METRICS_TOKEN}`, {})).toEqual({ enabled: false });
    expect(checkMetricsToken(m, `Bearer ${METRICS_TOKEN}`, { DASH_TEST_METRICS_TOKEN: "" })).toEqual({ enabled: false });
    expect(checkMetricsToken({ config: { ...m.config, metrics: {} } }, `Bearer ${METRICS_TOKEN}`)).toEqual({ enabled: false });
  });
});

describe("secrets", () => {
  it("no environment value of any fixture container appears in the API, the container page HTML, metrics, logs or audit rows", async () => {
    const values = new Set<string>();
    for (const env of Object.values(fixture.env)) for (const value of Object.values(env)) if (value.length >= 12) values.add(value);
    expect(values.size).toBeGreaterThanOrEqual(8);

    await json(containersResponse(ctx.admin!));
    await json(healthResponse(ctx.admin!));
    for (const service of Object.keys(fixture.containers) as PosthogService[]) {
      const id = fixture.containers[service].id;
      await json(containerResponse(ctx.admin!, id));
      const data = await containerPageData(id, ctx.admin!.actor!);
      expect(data, service).not.toBeNull();
      outputs.push(JSON.stringify(data));
      const html = renderToString(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(ContainerView, { data: data! })));
      expect(html).toContain(data!.summary.name);
      if (service === "web") {
        for (const key of ["SECRET_KEY", "SITE_URL", "DISABLE_SECURE_SSL_REDIRECT", "DATABASE_URL"]) expect(html).toContain(key);
      }
      outputs.push(html);
    }
    const audit = await superuserQuery<{ row: string }>(db.url, "select row_to_json(a)::text as row from audit_events a");
    expect(audit.length).toBeGreaterThan(10);
    outputs.push(...audit.map((r) => r.row));

    const leaks: string[] = [];
    for (const text of outputs) for (const value of values) if (text.includes(value)) leaks.push(`${value.slice(0, 6)}… in ${text.slice(0, 80)}`);
    expect(leaks).toEqual([]);
  });
});
