/**
 * The container page's inspect summary, with secrets kept on the server (invariant 5):
 * environment variables appear as KEY NAMES only (values are never copied out of the inspect
 * data); command lines, label values and healthcheck output are scrubbed of `--password x`,
 * `KEY=value` pairs with secret-looking keys, and credentials inside URLs.
 */
import type Docker from "dockerode";
import { shortId } from "./container-id";

export const MASK = "••••••";
const SECRET_NAME = /pass(word|wd)?|secret|token|key|auth|credential|cookie|session|private|dsn|salt/i;

export type MountSummary = { type: string; name: string | null; source: string; destination: string; readOnly: boolean };
export type PortSummary = { containerPort: string; hostIp: string; hostPort: string };

export type InspectSummary = {
  id: string;
  shortId: string;
  name: string;
  createdAt: string;
  image: string;
  imageId: string;
  /** Environment variable names, sorted; values are never included. */
  envKeys: string[];
  /** Keys whose name looks secret (for a lock icon). */
  secretEnvKeys: string[];
  command: string[];
  entrypoint: string[];
  workingDir: string;
  user: string;
  labels: Record<string, string>;
  mounts: MountSummary[];
  ports: PortSummary[];
  networkMode: string;
  networks: string[];
  restartPolicy: { name: string; maximumRetryCount: number };
  memoryLimitBytes: number | null;
  cpuLimit: number | null;
  state: {
    status: string;
    running: boolean;
    restarting: boolean;
    exitCode: number;
    oomKilled: boolean;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
  };
  restartCount: number;
  healthcheck: {
    test: string[];
    intervalMs: number | null;
    timeoutMs: number | null;
    retries: number | null;
    startPeriodMs: number | null;
  } | null;
  health: {
    status: string;
    failingStreak: number;
    log: Array<{ start: string; end: string; exitCode: number; output: string }>;
  } | null;
};

/** Environment KEY names of an inspect result (`KEY=value` → KEY). */
export function envKeys(env: readonly string[] | null | undefined): string[] {
  const keys = new Set<string>();
  for (const entry of env ?? []) {
    const eq = entry.indexOf("=");
    keys.add(eq === -1 ? entry : entry.slice(0, eq));
  }
  return [...keys].sort();
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Replaces credentials inside URLs (scheme://user:pass@host → scheme://user:••••••@host). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]*)@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/** Scrubs free text (command output, a shell script): URL credentials and SECRET_KEY=value pairs. */
export function redactCommandOutput(text: string): string {
  return maskUrlCredentials(text).replace(/\b([A-Za-z_][A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"',;]+)/g, (whole, key: string, sep: string) =>
    isSecretName(key) ? `${key}${sep}${MASK}` : whole,
  );
}

/** Scrubs an argv: values after secret-looking flags (`--password x`, `-p=x`), KEY=value pairs, URL credentials. */
export function redactArgv(argv: readonly string[] | string | null | undefined): string[] {
  const list = argv == null ? [] : typeof argv === "string" ? [argv] : [...argv];
  const out: string[] = [];
  let maskNext = false;
  for (const arg of list) {
    if (maskNext) {
      out.push(MASK);
      maskNext = false;
      continue;
    }
    const flag = /^--?([A-Za-z0-9_-]+)(=(.*))?$/s.exec(arg);
    if (flag && isSecretName(flag[1]!)) {
      if (flag[2] !== undefined) out.push(`${arg.slice(0, arg.indexOf("=") + 1)}${MASK}`);
      else {
        out.push(arg);
        maskNext = true;
      }
      continue;
    }
    out.push(redactCommandOutput(arg));
  }
  return out;
}

function labelValues(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) out[key] = isSecretName(key) ? MASK : redactCommandOutput(value);
  return out;
}

const NS_PER_MS = 1_000_000;
const nsToMs = (ns: number | undefined) => (typeof ns === "number" && ns > 0 ? Math.round(ns / NS_PER_MS) : null);
const time = (v: string | undefined) => (v && !v.startsWith("0001-01-01") ? v : null);

/** The inspect summary for the container page. Values of environment variables never leave here. */
export function inspectSummary(info: Docker.ContainerInspectInfo): InspectSummary {
  const keys = envKeys(info.Config.Env);
  const hc = info.Config.Healthcheck;
  const health = info.State.Health;
  const ports: PortSummary[] = [];
  for (const [containerPort, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) ports.push({ containerPort, hostIp: b.HostIp, hostPort: b.HostPort });
    if (!bindings || bindings.length === 0) ports.push({ containerPort, hostIp: "", hostPort: "" });
  }
  const hostConfig = info.HostConfig as Docker.HostConfig & { NanoCpus?: number };
  return {
    id: info.Id,
    shortId: shortId(info.Id),
    name: info.Name.replace(/^\//, ""),
    createdAt: info.Created,
    image: info.Config.Image,
    imageId: info.Image,
    envKeys: keys,
    secretEnvKeys: keys.filter(isSecretName),
    command: redactArgv(info.Config.Cmd),
    entrypoint: redactArgv(info.Config.Entrypoint as string[] | string | undefined),
    workingDir: info.Config.WorkingDir ?? "",
    user: info.Config.User ?? "",
    labels: labelValues(info.Config.Labels),
    mounts: (info.Mounts ?? []).map((m) => ({
      type: m.Type ?? "bind",
      name: m.Name ?? null,
      source: m.Source,
      destination: m.Destination,
      readOnly: m.RW === false,
    })),
    ports,
    networkMode: info.HostConfig.NetworkMode ?? "",
    networks: Object.keys(info.NetworkSettings?.Networks ?? {}),
    restartPolicy: {
      name: info.HostConfig.RestartPolicy?.Name || "no",
      maximumRetryCount: info.HostConfig.RestartPolicy?.MaximumRetryCount ?? 0,
    },
    memoryLimitBytes: hostConfig.Memory ? hostConfig.Memory : null,
    cpuLimit: hostConfig.NanoCpus ? hostConfig.NanoCpus / 1e9 : null,
    state: {
      status: info.State.Status,
      running: info.State.Running,
      restarting: info.State.Restarting,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      startedAt: time(info.State.StartedAt),
      finishedAt: time(info.State.FinishedAt),
      error: info.State.Error ? redactCommandOutput(info.State.Error) : null,
    },
    restartCount: info.RestartCount ?? 0,
    healthcheck: hc?.Test
      ? {
          test: redactArgv(hc.Test),
          intervalMs: nsToMs(hc.Interval),
          timeoutMs: nsToMs(hc.Timeout),
          retries: hc.Retries ?? null,
          startPeriodMs: nsToMs(hc.StartPeriod),
        }
      : null,
    health: health
      ? {
          status: health.Status,
          failingStreak: health.FailingStreak,
          log: (health.Log ?? []).map((l) => ({
            start: String(l.Start),
            end: String(l.End),
            exitCode: l.ExitCode,
            output: redactCommandOutput(String(l.Output ?? "").slice(-2048)),
          })),
        }
      : null,
  };
}
