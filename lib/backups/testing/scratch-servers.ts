/**
 * Scratch servers for backup tests (restore targets, crash and bench sources): real Postgres 15,
 * Redis 7 and ClickHouse containers built like the PostHog fixture's (the host's Debian binaries on
 * the busybox base image, host networking on free loopback ports), each with its own volume.
 */
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { startFixtureStack, type FixtureStack } from "../../../e2e/fixtures/docker/fixture-stack";
import { freeLoopbackPorts } from "../../../e2e/fixtures/posthog/free-ports";
import { CLICKHOUSE_SCRIPT, PG_BIN, POSTGRES_SCRIPT, REDIS_SCRIPT } from "../../../e2e/fixtures/posthog/scripts";
import type { BackupTarget } from "../engines/types";

const HOST_BINDS = ["/usr:/usr:ro", "/lib:/lib:ro", "/lib64:/lib64:ro"];

export type ScratchServer = { stack: FixtureStack; target: BackupTarget; port: number; password: string; teardown: () => Promise<void> };

export async function startScratchPostgres(docker: Docker, options: { memoryMiB?: number; project?: string } = {}): Promise<ScratchServer> {
  const [port] = await freeLoopbackPorts(1);
  const password = `scratch-${randomBytes(8).toString("hex")}`;
  const stack = await startFixtureStack(docker, {
    project: options.project,
    services: [
      {
        service: "db",
        cmd: ["/bin/sh", "-c", POSTGRES_SCRIPT],
        env: { POSTGRES_USER: "posthog", POSTGRES_PASSWORD: password, POSTGRES_DB: "posthog", PGPORT: String(port) },
        volumes: { pgdata: "/var/lib/postgresql" },
        binds: HOST_BINDS,
        healthcheck: { test: [`${PG_BIN}/pg_isready`, "-h", "127.0.0.1", "-p", String(port), "-U", "posthog", "-d", "posthog"], intervalMs: 500 },
      },
    ],
  });
  await stack.waitHealthy(90_000);
  const target: BackupTarget = { kind: "postgres", stack: stack.project, service: "db", docker, containerId: stack.get("db").id, user: "posthog", password, port: port!, binDir: PG_BIN };
  return { stack, target, port: port!, password, teardown: () => stack.teardown() };
}

export async function startScratchRedis(docker: Docker): Promise<ScratchServer> {
  const [port] = await freeLoopbackPorts(1);
  const password = `scratch-${randomBytes(8).toString("hex")}`;
  const stack = await startFixtureStack(docker, {
    services: [
      {
        service: "redis",
        cmd: ["/bin/sh", "-c", REDIS_SCRIPT],
        env: { REDIS_PORT: String(port), REDIS_PASSWORD: password, REDISCLI_AUTH: password },
        volumes: { data: "/data" },
        binds: HOST_BINDS,
        healthcheck: { test: ["/bin/sh", "-c", `/usr/bin/redis-cli -h 127.0.0.1 -p ${port} ping | grep -q PONG`], intervalMs: 500 },
      },
    ],
  });
  await stack.waitHealthy(60_000);
  const target: BackupTarget = { kind: "redis", stack: stack.project, service: "redis", docker, containerId: stack.get("redis").id, password, port: port! };
  return { stack, target, port: port!, password, teardown: () => stack.teardown() };
}

export async function startScratchClickhouse(docker: Docker): Promise<ScratchServer & { httpPort: number }> {
  const [http, tcp] = await freeLoopbackPorts(2);
  const password = `scratch-${randomBytes(8).toString("hex")}`;
  const stack = await startFixtureStack(docker, {
    services: [
      {
        service: "clickhouse",
        cmd: ["/bin/sh", "-c", CLICKHOUSE_SCRIPT],
        env: { CLICKHOUSE_HTTP_PORT: String(http), CLICKHOUSE_TCP_PORT: String(tcp), CLICKHOUSE_USER: "default", CLICKHOUSE_PASSWORD: password, CLICKHOUSE_DB: "posthog" },
        volumes: { chdata: "/var/lib/clickhouse" },
        binds: HOST_BINDS,
        healthcheck: { test: ["/bin/sh", "-c", `wget -q -O - http://127.0.0.1:${http}/ping | grep -q Ok`], intervalMs: 500 },
      },
    ],
  });
  await stack.waitHealthy(90_000);
  const target: BackupTarget = { kind: "clickhouse", stack: stack.project, service: "clickhouse", docker, containerId: stack.get("clickhouse").id, user: "default", password, port: tcp! };
  return { stack, target, port: tcp!, httpPort: http!, password, teardown: () => stack.teardown() };
}

/** A plain busybox container with a volume at `mountPath` (volume restores). */
export async function startScratchVolume(docker: Docker, mountPath = "/data"): Promise<ScratchServer> {
  const stack = await startFixtureStack(docker, { services: [{ service: "files", cmd: ["/bin/sleep", "3600"], volumes: { files: mountPath }, networkMode: "none" }] });
  const target: BackupTarget = { kind: "volume", stack: stack.project, service: "files", docker, containerId: stack.get("files").id, path: mountPath };
  return { stack, target, port: 0, password: "", teardown: () => stack.teardown() };
}

/** Runs SQL in a Postgres scratch/fixture container through psql (tests only). */
export async function psqlIn(target: BackupTarget, database: string, sql: string): Promise<string> {
  const { execText } = await import("../engines/command");
  return execText(target, {
    kind: "exec",
    argv: [`${target.binDir ?? PG_BIN}/psql`, "-h", "127.0.0.1", "-p", String(target.port), "-U", target.user ?? "posthog", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql],
    env: { PGPASSWORD: target.password ?? "" },
    secretEnv: ["PGPASSWORD"],
  }, { timeoutMs: 600_000 });
}
