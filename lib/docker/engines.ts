/**
 * Docker engines the console watches. The default is the local engine: DOCKER_HOST when set
 * (unix://, tcp://, ssh://), else /var/run/docker.sock. More engines come from opsdeck.yaml:
 * a unix socket, TCP with TLS client certificates, or SSH (dockerode's ssh protocol). Each has
 * a stable id and a display name, and its reachability is tracked with the last time it answered,
 * so an unreachable engine is shown as such instead of breaking the page.
 */
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { rawEnv } from "../config/env";

export type EngineConfig =
  | { id: string; name: string; kind: "socket"; socketPath: string }
  | {
      id: string;
      name: string;
      kind: "tcp";
      host: string;
      port: number;
      /** Client TLS material as file paths (read at connect time, never stored in config values). */
      tls?: { caFile?: string; certFile?: string; keyFile?: string };
    }
  | {
      id: string;
      name: string;
      kind: "ssh";
      host: string;
      port: number;
      username: string;
      /** Private key file; without one, the SSH agent (SSH_AUTH_SOCK) is used. */
      privateKeyFile?: string;
    };

export type EngineStatus = {
  id: string;
  name: string;
  /** Where it is, without credentials: "unix:///var/run/docker.sock", "tcp://host:2376", "ssh://user@host:22". */
  endpoint: string;
  reachable: boolean;
  /** ISO time the engine last answered a ping, or null if never (since the console started). */
  lastReachedAt: string | null;
  lastCheckedAt: string | null;
  /** Why the last check failed (a short message, no credentials). */
  lastError: string | null;
  version: string | null;
};

export const DEFAULT_SOCKET_PATH = "/var/run/docker.sock";
export const LOCAL_ENGINE_ID = "local";
const ENGINE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isEngineId(value: unknown): value is string {
  return typeof value === "string" && ENGINE_ID.test(value);
}

/**
 * The local engine from a DOCKER_HOST value (as Docker's CLI reads it): unix://path, tcp://host:port
 * (TLS when DOCKER_TLS_VERIFY is set, material from DOCKER_CERT_PATH), ssh://user@host[:port].
 */
export function localEngineConfig(dockerHost?: string, tlsEnv: { certPath?: string; verify?: string } = {}): EngineConfig {
  const base = { id: LOCAL_ENGINE_ID, name: "This host" };
  if (!dockerHost) return { ...base, kind: "socket", socketPath: DEFAULT_SOCKET_PATH };
  if (dockerHost.startsWith("unix://")) return { ...base, kind: "socket", socketPath: dockerHost.slice(7) || DEFAULT_SOCKET_PATH };
  const url = new URL(dockerHost);
  if (url.protocol === "tcp:") {
    const verify = tlsEnv.verify !== undefined && tlsEnv.verify !== "" && tlsEnv.verify !== "0";
    const dir = tlsEnv.certPath;
    return {
      ...base,
      kind: "tcp",
      host: url.hostname,
      port: Number(url.port || (verify ? 2376 : 2375)),
      tls: dir ? { caFile: `${dir}/ca.pem`, certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` } : undefined,
    };
  }
  if (url.protocol === "ssh:") {
    return { ...base, kind: "ssh", host: url.hostname, port: Number(url.port || 22), username: decodeURIComponent(url.username || "root") };
  }
  throw new Error(`DOCKER_HOST=${dockerHost}: expected unix://, tcp:// or ssh://`);
}

export function endpointOf(config: EngineConfig): string {
  switch (config.kind) {
    case "socket":
      return `unix://${config.socketPath}`;
    case "tcp":
      return `tcp://${config.host}:${config.port}${config.tls ? " (TLS)" : ""}`;
    case "ssh":
      return `ssh://${config.username}@${config.host}:${config.port}`;
  }
}

/** dockerode options for an engine; TLS and SSH key files are read here. */
export function dockerOptionsFor(config: EngineConfig, timeoutMs = 10_000): Docker.DockerOptions {
  switch (config.kind) {
    case "socket":
      return { socketPath: config.socketPath, timeout: timeoutMs };
    case "tcp": {
      const tls = config.tls;
      if (!tls) return { protocol: "http", host: config.host, port: config.port, timeout: timeoutMs };
      return {
        protocol: "https",
        host: config.host,
        port: config.port,
        ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
        cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
        key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
        timeout: timeoutMs,
      };
    }
    case "ssh":
      return {
        protocol: "ssh",
        host: config.host,
        port: config.port,
        username: config.username,
        sshOptions: config.privateKeyFile ? { privateKey: readFileSync(config.privateKeyFile) } : { agent: rawEnv().SSH_AUTH_SOCK },
        timeout: timeoutMs,
      } as Docker.DockerOptions;
  }
}

export type Engine = {
  config: EngineConfig;
  /** A client for requests (API timeout applies). */
  docker: Docker;
  /** A client for long-lived streams (events, stats, logs follow): no request timeout. */
  streaming: Docker;
};

/** The configured engines, with clients created lazily and reachability remembered. */
export class EngineRegistry {
  private readonly engines = new Map<string, Engine>();
  private readonly statuses = new Map<string, EngineStatus>();
  private readonly configs: EngineConfig[] = [];

  constructor(configs: readonly EngineConfig[], private readonly pingTimeoutMs = 3_000) {
    if (configs.length === 0) throw new Error("at least one Docker engine is needed");
    for (const config of configs) {
      if (!isEngineId(config.id)) throw new Error(`invalid engine id ${JSON.stringify(config.id)}`);
      if (this.statuses.has(config.id)) throw new Error(`duplicate engine id ${config.id}`);
      this.statuses.set(config.id, {
        id: config.id,
        name: config.name,
        endpoint: endpointOf(config),
        reachable: false,
        lastReachedAt: null,
        lastCheckedAt: null,
        lastError: null,
        version: null,
      });
      this.configs.push(config);
    }
  }

  ids(): string[] {
    return this.configs.map((c) => c.id);
  }

  /** The engine's clients; throws for an unknown id; a bad TLS/SSH key file fails here. */
  get(id: string): Engine {
    const existing = this.engines.get(id);
    if (existing) return existing;
    const config = this.configs.find((c) => c.id === id);
    if (!config) throw new Error(`unknown Docker engine ${JSON.stringify(id)}`);
    const engine: Engine = {
      config,
      docker: new Docker(dockerOptionsFor(config, 15_000)),
      streaming: new Docker({ ...dockerOptionsFor(config, 0), timeout: undefined }),
    };
    this.engines.set(id, engine);
    return engine;
  }

  /** Pings one engine (bounded by the ping timeout) and records the outcome. */
  async check(id: string): Promise<EngineStatus> {
    const status = this.statuses.get(id);
    if (!status) throw new Error(`unknown Docker engine ${JSON.stringify(id)}`);
    const now = new Date().toISOString();
    try {
      const { docker } = this.get(id);
      const version = await withTimeout(docker.version(), this.pingTimeoutMs, "no answer");
      Object.assign(status, { reachable: true, lastReachedAt: now, lastCheckedAt: now, lastError: null, version: version.Version ?? null });
    } catch (error) {
      Object.assign(status, { reachable: false, lastCheckedAt: now, lastError: shortError(error) });
    }
    return { ...status };
  }

  async checkAll(): Promise<EngineStatus[]> {
    return Promise.all(this.ids().map((id) => this.check(id)));
  }

  /** Marks an engine as answering now (any successful call counts), without a ping. */
  markReached(id: string): void {
    const status = this.statuses.get(id);
    if (!status) return;
    const now = new Date().toISOString();
    Object.assign(status, { reachable: true, lastReachedAt: now, lastCheckedAt: now, lastError: null });
  }

  markFailed(id: string, error: unknown): void {
    const status = this.statuses.get(id);
    if (!status) return;
    Object.assign(status, { reachable: false, lastCheckedAt: new Date().toISOString(), lastError: shortError(error) });
  }

  status(id: string): EngineStatus {
    const status = this.statuses.get(id);
    if (!status) throw new Error(`unknown Docker engine ${JSON.stringify(id)}`);
    return { ...status };
  }

  statusAll(): EngineStatus[] {
    return this.ids().map((id) => this.status(id));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** A one-line reason without credentials (URLs lose their userinfo). */
export function shortError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^@/\s]+@/g, "//").split("\n")[0]!.slice(0, 300);
}
