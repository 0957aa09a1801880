/**
 * The stack config file, `opsdeck.yaml` (path from OPSDECK_CONFIG): what cannot be discovered
 * from Docker — which service is which engine (postgres, clickhouse, redis, mongodb, volume), how
 * to reach it (credentials by environment-variable NAME, never inline), which services depend on
 * it, whether it holds state, the health probes, thresholds, and extra Docker engines.
 *
 * Validated with zod; every problem names its place in the file (`services.db.kind`, line and
 * column). String values may use `${NAME}` or `${NAME:-default}` (as compose does), so ports and
 * hosts can come from the environment too. Without a config file everything still works: the
 * local engine, every container shown, no probes.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import { z } from "zod";
import { rawEnv } from "../config/env";
import { LOCAL_ENGINE_ID, localEngineConfig, type EngineConfig } from "../docker/engines";
import { resolveThresholds, type Thresholds } from "../docker/thresholds";
import type { ProbeSpec } from "../probes/run-probes";

type Env = Readonly<Record<string, string | undefined>>;

const ENV_NAME = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected an environment variable NAME (letters, digits, _), not a value" });
const ID = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: "expected a lowercase id: letters, digits, - and _" });
const PORT = z.coerce.number().int().min(1).max(65535);
const TIMEOUT = z.coerce.number().int().min(100).max(120_000);
const ABS_OR_REL_PATH = z.string().min(1);

/** Keys that would put a credential inline: refused with a pointer to the *Env form. */
const INLINE_SECRET_KEYS = ["password", "secret", "token", "apiKey", "api_key", "privateKey", "key"];

function noInlineSecrets<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape).superRefine((value, ctx) => {
    for (const key of INLINE_SECRET_KEYS) {
      if (Object.prototype.hasOwnProperty.call(value, key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `credentials are never written in the config file; put it in an environment variable and name it with ${key}Env`,
        });
      }
    }
  });
}

// Refusing inline secrets needs the keys to reach the refinement: strictObject would reject them
// first as "unrecognized", so the shapes that could hold credentials accept them as unknown here.
const inlineSecretSlots = Object.fromEntries(INLINE_SECRET_KEYS.map((k) => [k, z.unknown().optional()]));

const engineSchema = z
  .strictObject({
    id: ID,
    name: z.string().min(1).optional(),
    socket: ABS_OR_REL_PATH.optional(),
    tcp: z
      .strictObject({
        host: z.string().min(1),
        port: PORT.default(2376),
        tls: z.strictObject({ caFile: ABS_OR_REL_PATH.optional(), certFile: ABS_OR_REL_PATH.optional(), keyFile: ABS_OR_REL_PATH.optional() }).optional(),
      })
      .optional(),
    ssh: z
      .strictObject({
        host: z.string().min(1),
        port: PORT.default(22),
        username: z.string().min(1),
        privateKeyFile: ABS_OR_REL_PATH.optional(),
      })
      .optional(),
  })
  .superRefine((e, ctx) => {
    const kinds = [e.socket, e.tcp, e.ssh].filter((k) => k !== undefined).length;
    if (kinds !== 1) ctx.addIssue({ code: "custom", message: "give exactly one of socket, tcp or ssh" });
  });

const connectionSchema = noInlineSecrets({
  ...inlineSecretSlots,
  /** A full URL from an environment variable (e.g. DATABASE_URL); wins over the parts. */
  urlEnv: ENV_NAME.optional(),
  host: z.string().min(1).optional(),
  port: PORT.optional(),
  user: z.string().min(1).optional(),
  database: z.string().min(1).optional(),
  passwordEnv: ENV_NAME.optional(),
  /** ClickHouse: http or https interface. */
  protocol: z.enum(["http", "https"]).optional(),
  tls: z.boolean().optional(),
});

export const SERVICE_KINDS = ["postgres", "clickhouse", "redis", "mongodb", "volume", "app"] as const;

const CONTAINER_PATH = z
  .string()
  .regex(/^\/[^\0]{0,1023}$/, { message: "expected an absolute path inside the container, e.g. /usr/lib/postgresql/15/bin" })
  .refine((p) => !p.split("/").includes(".."), { message: "a path inside the container may not contain .." });

/**
 * How a backup reaches the server from inside its container, where the defaults do not fit
 * (lib/backups/backup-target.ts): the port the server listens on in the container, the host to
 * connect to there, the directory of the dump tools (pg_dump, clickhouse-client…) when they are not
 * on PATH, the path to archive (volume services) and which databases to dump (default: all).
 */
const backupOptionsSchema = z.strictObject({
  port: PORT.optional(),
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9_.:-]+$/, { message: "expected a host name or IP address" }).optional(),
  binDir: CONTAINER_PATH.optional(),
  path: CONTAINER_PATH.optional(),
  databases: z
    .array(z.string().min(1).max(63).regex(/^[A-Za-z0-9_][A-Za-z0-9_$.-]*$/, { message: "expected a database name (letters, digits, _ $ . -)" }))
    .min(1, { message: "list at least one database, or leave databases out to back up all of them" })
    .optional(),
});

const serviceSchema = z.strictObject({
  kind: z.enum(SERVICE_KINDS, { message: `expected one of ${SERVICE_KINDS.join(", ")}` }),
  /** Docker engine id (default: the first engine). */
  engine: ID.optional(),
  /** Compose project and service the containers carry (default service: the key). */
  project: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  /** Holds data: restarts ask for a typed confirmation; restores stop its dependents. */
  stateful: z.boolean().default(false),
  /** Services (keys of `services`) stopped while this one is restored. */
  dependents: z.array(z.string().min(1)).default([]),
  connection: connectionSchema.optional(),
  /** For kind volume: the named volume. */
  volume: z.string().min(1).optional(),
  /** Backup overrides (port, host, binDir, path, databases); see backupOptionsSchema. */
  backup: backupOptionsSchema.optional(),
});

const jsonRuleSchema = z.union([
  z.strictObject({ field: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean(), z.null()]) }),
  z.strictObject({ field: z.string().min(1), maxAgeMinutes: z.coerce.number().positive() }),
]);

const probeBase = { name: z.string().min(1), service: z.string().min(1).optional(), timeoutMs: TIMEOUT.optional() };

const probeSchema = z.discriminatedUnion("type", [
  noInlineSecrets({
    ...inlineSecretSlots,
    ...probeBase,
    type: z.literal("http"),
    url: z.url({ message: "expected an http(s) URL" }),
    method: z.enum(["GET", "HEAD"]).optional(),
    expectStatus: z.array(z.coerce.number().int().min(100).max(599)).optional(),
    /** Header name → environment variable NAME holding its value (e.g. Authorization). */
    headersEnv: z.record(z.string(), ENV_NAME).optional(),
    json: jsonRuleSchema.optional(),
  }),
  z.strictObject({ ...probeBase, type: z.literal("tcp"), host: z.string().min(1), port: PORT }),
  z.strictObject({ ...probeBase, type: z.literal("postgres") }),
  z.strictObject({ ...probeBase, type: z.literal("redis") }),
  z.strictObject({ ...probeBase, type: z.literal("clickhouse") }),
  z.strictObject({ ...probeBase, type: z.literal("tls"), host: z.string().min(1), port: PORT.default(443), servername: z.string().min(1).optional() }),
  z.strictObject({ ...probeBase, type: z.literal("disk"), paths: z.array(ABS_OR_REL_PATH).min(1) }),
]);

const upper = z.strictObject({ warn: z.coerce.number().min(0).optional(), critical: z.coerce.number().min(0).optional() });

/**
 * Privacy verification (Phase 6, lib/privacy): per stack, which checks run and what they read. Each
 * check runs only when its part is configured: `posthog` (the API: anonymize_ips, GeoIP transformations,
 * recent events through HogQL — the personal API key by environment-variable NAME), `clickhouse`
 * (recent events read directly from a clickhouse service's events table), `deployment` (services whose
 * containers run PostHog: SECRET_KEY, SITE_URL, DISABLE_SECURE_SSL_REDIRECT) and `forwarders`
 * (services that send events to PostHog and need POSTHOG_API_KEY).
 */
const CH_IDENTIFIER = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: "expected a ClickHouse identifier (letters, digits, _)" });
const privacyStackSchema = z.strictObject({
  name: z.string().min(1).optional(),
  posthog: noInlineSecrets({
    ...inlineSecretSlots,
    /** Base URL of the instance (self-hosted or cloud), e.g. https://posthog.example.com. */
    url: z.url({ message: "expected the PostHog base URL, e.g. https://posthog.example.com" }),
    /** Environment variable holding a personal API key (scopes: project:read, hog_function:read, query:read). */
    apiKeyEnv: ENV_NAME,
    /** Environment (team) id, or @current (the key's current one). */
    projectId: z.union([z.literal("@current"), z.coerce.number().int().positive()]).default("@current"),
    timeoutMs: TIMEOUT.optional(),
  }).optional(),
  clickhouse: z
    .strictObject({ service: ID, database: CH_IDENTIFIER.optional(), table: CH_IDENTIFIER.default("events") })
    .optional(),
  /** Recent-events window (hours, default 24). */
  windowHours: z.coerce.number().int().min(1).max(24 * 31).default(24),
  deployment: z.array(ID).min(1).optional(),
  forwarders: z.array(ID).min(1).optional(),
});
const privacySchema = z.strictObject({
  /** When the checks run (cron, UTC); default daily 05:45. */
  schedule: z.string().regex(/^\S+( \S+){4}$/, { message: "expected a 5-field cron expression, e.g. 45 5 * * *" }).default("45 5 * * *"),
  stacks: z.record(ID, privacyStackSchema).default({}),
});

export const stackConfigSchema = z
  .strictObject({
    version: z.literal(1, { message: "expected version: 1" }).default(1),
    engines: z.array(engineSchema).min(1).optional(),
    services: z.record(ID, serviceSchema).default({}),
    probes: z.array(probeSchema).default([]),
    thresholds: z
      .strictObject({ cpuPercent: upper.optional(), memoryPercent: upper.optional(), diskPercent: upper.optional(), restartsPerHour: upper.optional(), tlsDaysLeft: upper.optional() })
      .default({}),
    /** Directories whose disk usage the dashboard shows (console data, backups). */
    disk: z.strictObject({ paths: z.array(ABS_OR_REL_PATH).default([]) }).default({ paths: [] }),
    metrics: z.strictObject({ bearerTokenEnv: ENV_NAME.optional() }).default({}),
    privacy: privacySchema.optional(),
  })
  .superRefine((config, ctx) => {
    const engineIds = new Set<string>();
    config.engines?.forEach((e, i) => {
      if (engineIds.has(e.id)) ctx.addIssue({ code: "custom", path: ["engines", i, "id"], message: `duplicate engine id "${e.id}"` });
      engineIds.add(e.id);
    });
    const knownEngines = config.engines ? engineIds : new Set([LOCAL_ENGINE_ID]);
    for (const [key, service] of Object.entries(config.services)) {
      if (service.engine && !knownEngines.has(service.engine)) {
        ctx.addIssue({ code: "custom", path: ["services", key, "engine"], message: `no engine with id "${service.engine}" (known: ${[...knownEngines].join(", ")})` });
      }
      service.dependents.forEach((d, i) => {
        if (!(d in config.services)) ctx.addIssue({ code: "custom", path: ["services", key, "dependents", i], message: `no service "${d}" in services` });
      });
      if (service.kind === "volume" && !service.volume) ctx.addIssue({ code: "custom", path: ["services", key, "volume"], message: "a volume service names its volume" });
      if (service.backup && service.kind === "app") ctx.addIssue({ code: "custom", path: ["services", key, "backup"], message: "app services are not backed up; remove the backup block or give the service a database kind" });
      if (service.backup?.path && service.kind !== "volume") ctx.addIssue({ code: "custom", path: ["services", key, "backup", "path"], message: "backup.path is for volume services (the directory to archive)" });
      if (service.backup?.databases && (service.kind === "volume" || service.kind === "redis")) ctx.addIssue({ code: "custom", path: ["services", key, "backup", "databases"], message: `a ${service.kind} service has no databases to choose` });
    }
    const names = new Set<string>();
    config.probes.forEach((probe, i) => {
      if (names.has(probe.name)) ctx.addIssue({ code: "custom", path: ["probes", i, "name"], message: `duplicate probe name "${probe.name}"` });
      names.add(probe.name);
      const needsService = probe.type === "postgres" || probe.type === "redis" || probe.type === "clickhouse";
      if (!probe.service) {
        if (needsService) ctx.addIssue({ code: "custom", path: ["probes", i, "service"], message: `a ${probe.type} probe names the service (in services) it connects to` });
        return;
      }
      const target = config.services[probe.service];
      if (!target) {
        ctx.addIssue({ code: "custom", path: ["probes", i, "service"], message: `no service "${probe.service}" in services` });
        return;
      }
      if (needsService && target.kind !== probe.type) {
        ctx.addIssue({ code: "custom", path: ["probes", i, "service"], message: `service "${probe.service}" is kind ${target.kind}, not ${probe.type}` });
      }
      if (needsService && !target.connection) {
        ctx.addIssue({ code: "custom", path: ["services", probe.service, "connection"], message: `probe "${probe.name}" needs a connection for this service` });
      }
    });
    try {
      resolveThresholds(config.thresholds);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["thresholds"], message: (error as Error).message.replace(/^thresholds\./, "") });
    }
  })
  .superRefine((config, ctx) => {
    // Privacy checks name services of `services`; a clickhouse source must be a clickhouse service with a connection.
    for (const [key, stack] of Object.entries(config.privacy?.stacks ?? {})) {
      const where = ["privacy", "stacks", key];
      for (const part of ["deployment", "forwarders"] as const) {
        stack[part]?.forEach((s, i) => {
          if (!(s in config.services)) ctx.addIssue({ code: "custom", path: [...where, part, i], message: `no service "${s}" in services` });
        });
      }
      if (stack.clickhouse) {
        const target = config.services[stack.clickhouse.service];
        if (!target) ctx.addIssue({ code: "custom", path: [...where, "clickhouse", "service"], message: `no service "${stack.clickhouse.service}" in services` });
        else if (target.kind !== "clickhouse" || !target.connection) ctx.addIssue({ code: "custom", path: [...where, "clickhouse", "service"], message: `service "${stack.clickhouse.service}" must be a clickhouse service with a connection` });
      }
    }
  });

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfigData = z.output<typeof stackConfigSchema>;
export type ServiceConfig = StackConfigData["services"][string];
export type ProbeConfig = StackConfigData["probes"][number];
export type PrivacyStackConfig = NonNullable<StackConfigData["privacy"]>["stacks"][string];

export type StackConfig = StackConfigData & {
  /** Where it was read from; null when there is no config file (defaults). */
  file: string | null;
  resolvedThresholds: Thresholds;
};

export class StackConfigError extends Error {
  readonly problems: string[];
  readonly file: string | null;
  constructor(file: string | null, problems: string[]) {
    super(`${file ?? "stack config"} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackConfigError";
    this.file = file;
    this.problems = problems;
  }
}

/** Replaces ${NAME} and ${NAME:-default} in a string; a missing variable without default is a problem. */
function interpolate(value: string, env: Env, where: string, problems: string[]): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}|\$\$/g, (whole, name: string | undefined, hasDefault: string | undefined, fallback: string | undefined) => {
    if (whole === "$$") return "$";
    const v = env[name!];
    if (v !== undefined && v !== "") return v;
    if (hasDefault !== undefined) return fallback ?? "";
    problems.push(`${where}: environment variable ${name} is not set (use \${${name}:-default} for a default)`);
    return "";
  });
}

function interpolateTree(value: unknown, env: Env, pathParts: (string | number)[], problems: string[]): unknown {
  if (typeof value === "string") return value.includes("$") ? interpolate(value, env, formatPath(pathParts), problems) : value;
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, env, [...pathParts, i], problems));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, env, [...pathParts, k], problems)]));
  }
  return value;
}

function formatPath(parts: readonly PropertyKey[]): string {
  if (parts.length === 0) return "(top level)";
  return parts.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/** The YAML node at a path (as deep as exists), for line numbers in messages. */
function nodeAt(root: YamlNode | null | undefined, parts: readonly PropertyKey[]): YamlNode | null {
  let node: YamlNode | null | undefined = root;
  let found: YamlNode | null = root ?? null;
  for (const part of parts) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
      if (!pair) break;
      node = pair.value as YamlNode | null;
      found = (node ?? (pair.key as YamlNode)) || found;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part] as YamlNode | undefined;
      if (!node) break;
      found = node;
    } else break;
  }
  return found;
}

/** Parses and validates config text; throws StackConfigError listing every problem with its place. */
export function parseStackConfig(text: string, options: { file?: string | null; env?: Env } = {}): StackConfig {
  const file = options.file ?? null;
  const env = options.env ?? rawEnv();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return "";
    const { line, col } = lineCounter.linePos(offset);
    return ` (line ${line}, column ${col})`;
  };
  if (doc.errors.length > 0) {
    throw new StackConfigError(file, doc.errors.map((e) => `YAML: ${e.message.split("\n")[0]}${at(e.pos[0])}`));
  }
  const raw = doc.toJS() ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new StackConfigError(file, ["(top level): expected a mapping (key: value lines)"]);
  const problems: string[] = [];
  const interpolated = interpolateTree(raw, env, [], problems);
  const parsed = stackConfigSchema.safeParse(interpolated);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = formatPath(issue.path);
      // An unknown key is pointed at itself, not at the mapping holding it.
      const located = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
      const node = nodeAt(doc.contents as YamlNode, located);
      problems.push(`${where}: ${describeIssue(issue)}${at(node?.range?.[0])}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new StackConfigError(file, problems);
  return { ...parsed.data, file, resolvedThresholds: resolveThresholds(parsed.data.thresholds) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
    return `"type" must be one of http, tcp, postgres, redis, clickhouse, tls, disk`;
  }
  return issue.message;
}

/** The config with nothing configured: the local engine, no services, no probes, default thresholds. */
export function defaultStackConfig(): StackConfig {
  return parseStackConfig("{}", { file: null, env: {} });
}

/**
 * Loads the config file named by OPSDECK_CONFIG (or `options.path`); without one, the defaults.
 * A path that is set but unreadable is an error (a typo must not silently drop the probes).
 */
export async function loadStackConfig(options: { path?: string; env?: Env } = {}): Promise<StackConfig> {
  const env = options.env ?? rawEnv();
  const configured = options.path ?? (env.OPSDECK_CONFIG?.trim() || undefined);
  if (!configured) return defaultStackConfig();
  const file = path.resolve(/*turbopackIgnore: true*/ configured);
  let text: string;
  try {
    text = await readFile(/*turbopackIgnore: true*/ file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackConfigError(file, [`cannot read the file (${code === "ENOENT" ? "it does not exist" : code ?? String(error)}); OPSDECK_CONFIG names it`]);
  }
  return parseStackConfig(text, { file, env });
}

/** Docker engines: those configured, else the local one (DOCKER_HOST, else the default socket). */
export function engineConfigs(config: StackConfig, env: Env = rawEnv()): EngineConfig[] {
  if (!config.engines) {
    return [localEngineConfig(env.DOCKER_HOST?.trim() || undefined, { certPath: env.DOCKER_CERT_PATH, verify: env.DOCKER_TLS_VERIFY })];
  }
  return config.engines.map((e): EngineConfig => {
    const name = e.name ?? e.id;
    if (e.socket) return { id: e.id, name, kind: "socket", socketPath: e.socket };
    if (e.tcp) return { id: e.id, name, kind: "tcp", host: e.tcp.host, port: e.tcp.port, tls: e.tcp.tls };
    const ssh = e.ssh!;
    return { id: e.id, name, kind: "ssh", host: ssh.host, port: ssh.port, username: ssh.username, privateKeyFile: ssh.privateKeyFile };
  });
}

export type ResolvedConnection = { url: string; username?: string; password?: string; database?: string };

const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, redis: 6379, clickhouse: 8123, mongodb: 27017 };

/**
 * A service's connection with the secret read from its environment variable. Throws a message
 * naming the variable when it is missing; the value itself never appears in messages.
 */
export function resolveConnection(serviceKey: string, service: ServiceConfig, env: Env = rawEnv()): ResolvedConnection {
  const c = service.connection;
  if (!c) throw new Error(`service ${serviceKey} has no connection`);
  const secretFrom = (name: string | undefined): string | undefined => {
    if (!name) return undefined;
    const value = env[name];
    if (value === undefined) throw new Error(`environment variable ${name} (services.${serviceKey}.connection) is not set`);
    return value;
  };
  if (c.urlEnv) {
    const url = secretFrom(c.urlEnv)!;
    return { url, database: c.database };
  }
  const password = secretFrom(c.passwordEnv);
  const host = c.host ?? "127.0.0.1";
  const port = c.port ?? DEFAULT_PORTS[service.kind] ?? 0;
  const userinfo = (user: string | undefined) =>
    user || password ? `${encodeURIComponent(user ?? "")}${password ? `:${encodeURIComponent(password)}` : ""}@` : "";
  switch (service.kind) {
    case "postgres":
      return { url: `postgresql://${userinfo(c.user)}${host}:${port}/${encodeURIComponent(c.database ?? "postgres")}${c.tls ? "?sslmode=require" : ""}`, database: c.database };
    case "redis":
      return { url: `${c.tls ? "rediss" : "redis"}://${userinfo(c.user)}${host}:${port}/${c.database ?? "0"}` };
    case "clickhouse":
      // The ClickHouse client takes credentials separately from the URL.
      return { url: `${c.protocol ?? (c.tls ? "https" : "http")}://${host}:${port}`, username: c.user ?? "default", password: password ?? "", database: c.database ?? "default" };
    case "mongodb":
      return { url: `mongodb://${userinfo(c.user)}${host}:${port}/${c.database ?? ""}` };
    default:
      return { url: `tcp://${host}:${port}` };
  }
}

/**
 * The runnable probes of a config, with connections and header secrets resolved from the
 * environment. A probe whose secret is missing is left out and reported in `problems`.
 */
export function probeSpecs(config: StackConfig, env: Env = rawEnv()): { specs: ProbeSpec[]; problems: Array<{ name: string; problem: string }> } {
  const specs: ProbeSpec[] = [];
  const problems: Array<{ name: string; problem: string }> = [];
  for (const probe of config.probes) {
    try {
      specs.push(toSpec(probe, config, env));
    } catch (error) {
      problems.push({ name: probe.name, problem: (error as Error).message });
    }
  }
  const diskLimits = { warn: config.resolvedThresholds.diskPercent.warn, critical: config.resolvedThresholds.diskPercent.critical };
  for (const spec of specs) if (spec.type === "disk") spec.limits ??= diskLimits;
  for (const spec of specs) if (spec.type === "tls") spec.limits ??= config.resolvedThresholds.tlsDaysLeft;
  return { specs, problems };
}

function toSpec(probe: ProbeConfig, config: StackConfig, env: Env): ProbeSpec {
  const base = { name: probe.name, service: probe.service, timeoutMs: probe.timeoutMs };
  switch (probe.type) {
    case "http": {
      const headers: Record<string, string> = {};
      for (const [header, name] of Object.entries(probe.headersEnv ?? {})) {
        const value = env[name];
        if (value === undefined) throw new Error(`environment variable ${name} (header ${header}) is not set`);
        headers[header] = value;
      }
      return { ...base, type: "http", url: probe.url, method: probe.method, expectStatus: probe.expectStatus, headers, json: probe.json };
    }
    case "tcp":
      return { ...base, type: "tcp", host: probe.host, port: probe.port };
    case "tls":
      return { ...base, type: "tls", host: probe.host, port: probe.port, servername: probe.servername };
    case "disk":
      return { ...base, type: "disk", paths: probe.paths };
    case "postgres":
    case "redis":
    case "clickhouse": {
      const key = probe.service!;
      const conn = resolveConnection(key, config.services[key]!, env);
      if (probe.type === "clickhouse") {
        return { ...base, type: "clickhouse", url: conn.url, username: conn.username, password: conn.password, database: conn.database };
      }
      return { ...base, type: probe.type, url: conn.url };
    }
  }
}
