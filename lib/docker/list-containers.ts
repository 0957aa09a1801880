/**
 * Containers of one engine as the dashboard shows them, grouped by compose project and service:
 * state, health with the last healthcheck output (from inspect), restart count, uptime, image and
 * tag. Environment values are never read into these views (only inspect summaries show env KEY
 * names, see mask-env.ts).
 */
import type Docker from "dockerode";
import { shortId } from "./container-id";
import { redactCommandOutput } from "./mask-env";

export const PROJECT_LABEL = "com.docker.compose.project";
export const SERVICE_LABEL = "com.docker.compose.service";
export const ONEOFF_LABEL = "com.docker.compose.oneoff";

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";
export type HealthStatus = "healthy" | "unhealthy" | "starting" | "none";

export type HealthProbeLog = { start: string; end: string; exitCode: number; output: string };

export type ContainerView = {
  engineId: string;
  id: string;
  shortId: string;
  /** Container name without the leading slash. */
  name: string;
  /** Compose project, or null for a container started outside compose. */
  project: string | null;
  /** Compose service, or null outside compose. */
  service: string | null;
  oneOff: boolean;
  state: ContainerState;
  /** Docker's human status, e.g. "Up 5 minutes (healthy)". */
  status: string;
  health: HealthStatus;
  /** The most recent healthcheck run (output trimmed to 2 kB), or null. */
  lastHealthcheck: HealthProbeLog | null;
  failingStreak: number;
  /** Restarts done by the restart policy (Docker resets it on a manual restart). */
  restartCount: number;
  exitCode: number | null;
  oomKilled: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Seconds since start for a running container, else null. */
  uptimeSeconds: number | null;
  image: string;
  imageRepo: string;
  imageTag: string;
  imageId: string;
  /** Docker's restart policy name ("no", "always", "on-failure", "unless-stopped"). */
  restartPolicy: string;
};

export type ServiceGroup = { service: string; containers: ContainerView[] };
export type StackGroup = {
  engineId: string;
  /** Compose project; null groups the containers started outside compose. */
  project: string | null;
  services: ServiceGroup[];
};

const INSPECT_CONCURRENCY = 16;
const OUTPUT_LIMIT = 2048;

/** All containers of the engine (running and stopped), each inspected for health and restarts. */
export async function listContainers(docker: Docker, engineId: string, options: { now?: Date } = {}): Promise<ContainerView[]> {
  const listed = await docker.listContainers({ all: true });
  const now = options.now ?? new Date();
  const views = await mapLimit(listed, INSPECT_CONCURRENCY, async (summary) => {
    try {
      const info = await docker.getContainer(summary.Id).inspect();
      return toView(engineId, info, now);
    } catch (error) {
      // Removed between list and inspect: leave it out.
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  });
  return views.filter((v): v is ContainerView => v !== null).sort(compareViews);
}

/** The dashboard's view of one inspected container. */
export function toView(engineId: string, info: Docker.ContainerInspectInfo, now: Date = new Date()): ContainerView {
  const labels = info.Config.Labels ?? {};
  const state = info.State;
  const health = state.Health;
  const last = health?.Log?.at(-1);
  const image = info.Config.Image;
  const { repo, tag } = splitImage(image);
  const startedAt = validTime(state.StartedAt);
  const running = state.Running && !state.Restarting;
  return {
    engineId,
    id: info.Id,
    shortId: shortId(info.Id),
    name: info.Name.replace(/^\//, ""),
    project: labels[PROJECT_LABEL] ?? null,
    service: labels[SERVICE_LABEL] ?? null,
    oneOff: labels[ONEOFF_LABEL] === "True",
    state: normaliseState(state.Status),
    status: humanStatus(state, health?.Status, now),
    // Docker keeps the last health status after the process stops ("unhealthy" for a stopped
    // container): health describes a running container only.
    health: running ? normaliseHealth(health?.Status) : "none",
    lastHealthcheck: last
      ? {
          start: String(last.Start),
          end: String(last.End),
          exitCode: last.ExitCode,
          output: redactCommandOutput(String(last.Output ?? "").slice(-OUTPUT_LIMIT).trim()),
        }
      : null,
    failingStreak: running ? (health?.FailingStreak ?? 0) : 0,
    restartCount: info.RestartCount ?? 0,
    exitCode: running ? null : (state.ExitCode ?? null),
    oomKilled: state.OOMKilled === true,
    createdAt: info.Created,
    startedAt,
    finishedAt: validTime(state.FinishedAt),
    uptimeSeconds: running && startedAt ? Math.max(0, Math.round((now.getTime() - Date.parse(startedAt)) / 1000)) : null,
    image,
    imageRepo: repo,
    imageTag: tag,
    imageId: info.Image,
    restartPolicy: info.HostConfig.RestartPolicy?.Name || "no",
  };
}

/** Groups by project then service; projects and services sorted by name, standalone containers last. */
export function groupByStack(views: readonly ContainerView[]): StackGroup[] {
  const stacks = new Map<string, StackGroup>();
  for (const view of views) {
    const key = `${view.engineId}\u0000${view.project ?? ""}`;
    let stack = stacks.get(key);
    if (!stack) {
      stack = { engineId: view.engineId, project: view.project, services: [] };
      stacks.set(key, stack);
    }
    const serviceName = view.service ?? view.name;
    let group = stack.services.find((s) => s.service === serviceName);
    if (!group) {
      group = { service: serviceName, containers: [] };
      stack.services.push(group);
    }
    group.containers.push(view);
  }
  const result = [...stacks.values()];
  for (const stack of result) {
    stack.services.sort((a, b) => a.service.localeCompare(b.service));
    for (const s of stack.services) s.containers.sort((a, b) => a.name.localeCompare(b.name));
  }
  return result.sort(
    (a, b) =>
      a.engineId.localeCompare(b.engineId) ||
      (a.project === null ? 1 : 0) - (b.project === null ? 1 : 0) ||
      (a.project ?? "").localeCompare(b.project ?? ""),
  );
}

/** "postgres:15-alpine" → postgres / 15-alpine; "reg:5000/app" → reg:5000/app / latest; digests kept. */
export function splitImage(image: string): { repo: string; tag: string } {
  const at = image.indexOf("@");
  if (at !== -1) return { repo: image.slice(0, at), tag: image.slice(at + 1) };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon > slash) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image, tag: "latest" };
}

function normaliseState(status: string): ContainerState {
  const known: ContainerState[] = ["created", "running", "paused", "restarting", "removing", "exited", "dead"];
  return (known as string[]).includes(status) ? (status as ContainerState) : "dead";
}

function normaliseHealth(status: string | undefined): HealthStatus {
  return status === "healthy" || status === "unhealthy" || status === "starting" ? status : "none";
}

function validTime(value: string | undefined): string | null {
  if (!value || value.startsWith("0001-01-01")) return null;
  return Number.isNaN(Date.parse(value)) ? null : value;
}

function humanStatus(state: Docker.ContainerInspectInfo["State"], health: string | undefined, now: Date): string {
  const since = (iso: string | null) => (iso ? formatDuration((now.getTime() - Date.parse(iso)) / 1000) : "");
  if (state.Restarting) return `Restarting (${state.ExitCode}) ${since(validTime(state.FinishedAt))} ago`;
  if (state.Running) {
    const h = health && health !== "none" ? ` (${health})` : "";
    return `${state.Paused ? "Paused" : "Up"} ${since(validTime(state.StartedAt))}${h}`;
  }
  if (state.Status === "exited") return `Exited (${state.ExitCode}) ${since(validTime(state.FinishedAt))} ago`;
  return state.Status.charAt(0).toUpperCase() + state.Status.slice(1);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} seconds`;
  if (s < 3600) return `${Math.round(s / 60)} minutes`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} hours`;
  return `${Math.round(s / 86400)} days`;
}

function compareViews(a: ContainerView, b: ContainerView): number {
  return (a.project ?? "\uffff").localeCompare(b.project ?? "\uffff") || (a.service ?? a.name).localeCompare(b.service ?? b.name) || a.name.localeCompare(b.name);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
