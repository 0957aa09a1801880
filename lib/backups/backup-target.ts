/**
 * Which container to back up, and how to reach the server from inside it, for a service of the stack
 * config (opsdeck.yaml). The container is found by its compose labels (project + service; for a
 * volume service, any container that mounts the volume). Credentials come from the environment
 * variables the config names (never from the file).
 *
 * The config's `connection` describes how the *console* reaches the server; inside the container the
 * port can differ (a published port), so: with host networking the connection's port is used; else a
 * port binding whose host port is the connection's port gives its container port; else the engine's
 * standard port. A service's optional `backup` block in opsdeck.yaml (port, host, binDir, path,
 * databases; validated by lib/stack/config.ts) overrides that.
 */
import type Docker from "dockerode";
import { rawEnv } from "../config/env";
import { PROJECT_LABEL, SERVICE_LABEL } from "../docker/list-containers";
import { AppError } from "../errors/app-error";
import type { ServiceConfig, StackConfig } from "../stack/config";
import { assertStackAndService } from "./backup-paths";
import { ENGINE_KINDS, type BackupTarget, type EngineKind } from "./engines/types";

export type BackupServiceOptions = { port?: number; host?: string; binDir?: string; path?: string; databases?: string[] };

const STANDARD_PORT: Record<EngineKind, number | undefined> = { postgres: 5432, clickhouse: 9000, redis: 6379, mongodb: 27017, volume: undefined };

export function isBackupKind(kind: string): kind is EngineKind {
  return (ENGINE_KINDS as readonly string[]).includes(kind);
}

/** The services of a config that can be backed up. */
export function backupServices(config: StackConfig): Array<{ key: string; kind: EngineKind; service: ServiceConfig }> {
  return Object.entries(config.services)
    .filter(([, s]) => isBackupKind(s.kind))
    .map(([key, service]) => ({ key, kind: service.kind as EngineKind, service }));
}

async function findContainer(docker: Docker, key: string, service: ServiceConfig): Promise<Docker.ContainerInfo> {
  if (service.kind === "volume") {
    const all = await docker.listContainers({ all: true, filters: { volume: [service.volume!] } });
    const pick = all.find((c) => c.State === "running") ?? all[0];
    if (!pick) throw new AppError("NOT_FOUND", `No container mounts the volume "${service.volume}" of service ${key}, so it cannot be read.`);
    return pick;
  }
  const labels = [`${SERVICE_LABEL}=${service.service ?? key}`, ...(service.project ? [`${PROJECT_LABEL}=${service.project}`] : [])];
  const all = await docker.listContainers({ all: true, filters: { label: labels } });
  const running = all.filter((c) => c.State === "running");
  if (running.length === 0) {
    throw new AppError("CONFLICT", all.length ? `The ${key} container is not running (${all[0]!.State}); start it before backing it up.` : `No container of service ${key} was found on the Docker engine.`);
  }
  return running[0]!;
}

function inContainerPort(kind: EngineKind, service: ServiceConfig, info: Docker.ContainerInspectInfo): number | undefined {
  const configured = service.connection?.port;
  if (kind === "clickhouse") return STANDARD_PORT.clickhouse; // the connection names the HTTP port; the client needs the native one
  if (!configured) return STANDARD_PORT[kind];
  if (info.HostConfig.NetworkMode === "host") return configured;
  for (const [containerPort, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    if ((bindings ?? []).some((b) => Number(b.HostPort) === configured)) return Number(containerPort.split("/")[0]);
  }
  return STANDARD_PORT[kind];
}

export type ResolvedBackupTarget = { target: BackupTarget; containerName: string };

export async function resolveBackupTarget(args: {
  config: StackConfig;
  serviceKey: string;
  docker: Docker;
  env?: Readonly<Record<string, string | undefined>>;
}): Promise<ResolvedBackupTarget> {
  const service = args.config.services[args.serviceKey];
  if (!service) throw new AppError("NOT_FOUND", `There is no service "${args.serviceKey}" in the stack config.`);
  if (!isBackupKind(service.kind)) throw new AppError("INVALID_INPUT", `Service ${args.serviceKey} is an app (kind ${service.kind}); only postgres, clickhouse, redis, mongodb and volume services are backed up.`);
  const kind = service.kind;
  const env = args.env ?? rawEnv();
  const options: BackupServiceOptions = service.backup ?? {};
  const found = await findContainer(args.docker, args.serviceKey, service);
  const info = await args.docker.getContainer(found.Id).inspect();
  const stack = service.project ?? found.Labels?.[PROJECT_LABEL] ?? "default";
  assertStackAndService(stack, args.serviceKey);
  let password: string | undefined;
  const passwordEnv = service.connection?.passwordEnv;
  if (passwordEnv) {
    password = env[passwordEnv];
    if (password === undefined) throw new AppError("CONFIG_INVALID", `The environment variable ${passwordEnv} (services.${args.serviceKey}.connection.passwordEnv) is not set, so ${args.serviceKey} cannot be backed up.`);
  }
  let path = options.path;
  if (kind === "volume" && !path) path = (info.Mounts ?? []).find((m) => m.Name === service.volume)?.Destination;
  const target: BackupTarget = {
    kind,
    stack,
    service: args.serviceKey,
    docker: args.docker,
    containerId: found.Id,
    user: service.connection?.user,
    password,
    database: kind === "postgres" ? service.connection?.database : undefined,
    databases: options.databases,
    host: options.host,
    port: options.port ?? inContainerPort(kind, service, info),
    binDir: options.binDir,
    path,
  };
  return { target, containerName: info.Name.replace(/^\//, "") };
}
