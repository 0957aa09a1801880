/**
 * Restart, start and stop a container by its validated id (never a name or shell string), then
 * follow it until it is healthy again — or report that it did not become healthy within its
 * healthcheck's budget. These are the side effects only: authorization and the audit rows are
 * performAction's job, which calls these.
 */
import type Docker from "dockerode";
import { AppError } from "../errors/app-error";
import { parseContainerId } from "./container-id";

export type ContainerAction = "restart" | "start" | "stop";

export type WaitOutcome =
  /** The healthcheck reports healthy. */
  | "healthy"
  /** No healthcheck: running (and still running after a short grace period). */
  | "running"
  | "unhealthy"
  /** Exited / dead while we waited. */
  | "exited"
  /** Still starting when the budget ran out. */
  | "timeout"
  /** After a stop: it is stopped. */
  | "stopped";

export type WaitResult = {
  outcome: WaitOutcome;
  elapsedMs: number;
  budgetMs: number;
  state: string;
  health: string | null;
  /** Output of the last healthcheck run, if any. */
  lastOutput: string | null;
  exitCode: number | null;
};

export type ActionResult = { id: string; action: ContainerAction; wait: WaitResult };

const NS_PER_MS = 1_000_000;
// Docker's healthcheck defaults when a field is 0/unset.
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;

/**
 * How long a container may take to become healthy: its start period, then `retries` failed
 * checks (each up to interval + timeout) before Docker would call it unhealthy, plus a little slack.
 */
export function healthBudgetMs(healthcheck: Docker.HealthConfig | undefined | null): number {
  if (!healthcheck?.Test || healthcheck.Test[0] === "NONE") return 10_000;
  const interval = healthcheck.Interval ? healthcheck.Interval / NS_PER_MS : DEFAULT_INTERVAL_MS;
  const timeout = healthcheck.Timeout ? healthcheck.Timeout / NS_PER_MS : DEFAULT_TIMEOUT_MS;
  const retries = healthcheck.Retries || DEFAULT_RETRIES;
  const start = healthcheck.StartPeriod ? healthcheck.StartPeriod / NS_PER_MS : 0;
  return Math.round(start + (interval + timeout) * (retries + 1) + 2_000);
}

function mapDockerError(error: unknown, id: string, action: ContainerAction): never {
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 404) throw new AppError("NOT_FOUND", "That container no longer exists.", { cause: error });
  if (status === 409) {
    throw new AppError("CONFLICT", `The container cannot be ${action === "stop" ? "stopped" : `${action}ed`} in its current state.`, {
      cause: error,
      logDetail: `${action} ${id}: ${(error as Error).message}`,
    });
  }
  throw error;
}

/** Restarts (stop with `timeoutSeconds` grace, then start) and waits until healthy. */
export async function restartContainer(
  docker: Docker,
  rawId: string,
  options: { timeoutSeconds?: number; waitBudgetMs?: number; signal?: AbortSignal; onProgress?: (r: WaitResult) => void } = {},
): Promise<ActionResult> {
  const id = parseContainerId(rawId);
  const container = docker.getContainer(id);
  const before = await container.inspect().catch((e: unknown) => mapDockerError(e, id, "restart"));
  await container.restart({ t: options.timeoutSeconds ?? 10 }).catch((e: unknown) => mapDockerError(e, id, "restart"));
  const wait = await waitUntilHealthy(docker, id, {
    budgetMs: options.waitBudgetMs ?? healthBudgetMs(before.Config.Healthcheck),
    startedAfter: Date.parse(before.State.StartedAt) || 0,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return { id, action: "restart", wait };
}

export async function startContainer(
  docker: Docker,
  rawId: string,
  options: { waitBudgetMs?: number; signal?: AbortSignal; onProgress?: (r: WaitResult) => void } = {},
): Promise<ActionResult> {
  const id = parseContainerId(rawId);
  const container = docker.getContainer(id);
  const before = await container.inspect().catch((e: unknown) => mapDockerError(e, id, "start"));
  if (!before.State.Running) {
    await container.start().catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 304) return; // already started
      mapDockerError(error, id, "start");
    });
  }
  const wait = await waitUntilHealthy(docker, id, {
    budgetMs: options.waitBudgetMs ?? healthBudgetMs(before.Config.Healthcheck),
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return { id, action: "start", wait };
}

export async function stopContainer(docker: Docker, rawId: string, options: { timeoutSeconds?: number } = {}): Promise<ActionResult> {
  const id = parseContainerId(rawId);
  const container = docker.getContainer(id);
  const started = Date.now();
  await container.stop({ t: options.timeoutSeconds ?? 10 }).catch((error: unknown) => {
    if ((error as { statusCode?: number }).statusCode === 304) return; // already stopped
    mapDockerError(error, id, "stop");
  });
  const info = await container.inspect().catch((e: unknown) => mapDockerError(e, id, "stop"));
  return {
    id,
    action: "stop",
    wait: {
      outcome: info.State.Running ? "timeout" : "stopped",
      elapsedMs: Date.now() - started,
      budgetMs: (options.timeoutSeconds ?? 10) * 1000,
      state: info.State.Status,
      health: info.State.Health?.Status ?? null,
      lastOutput: null,
      exitCode: info.State.ExitCode ?? null,
    },
  };
}

/**
 * Polls the container until it is healthy (or, without a healthcheck, running for a moment), it
 * turns unhealthy or exits, or `budgetMs` passes. `startedAfter` (ms) ignores a state that
 * predates the action (the old process).
 */
export async function waitUntilHealthy(
  docker: Docker,
  rawId: string,
  options: { budgetMs?: number; pollMs?: number; startedAfter?: number; signal?: AbortSignal; onProgress?: (r: WaitResult) => void } = {},
): Promise<WaitResult> {
  const id = parseContainerId(rawId);
  const container = docker.getContainer(id);
  const began = Date.now();
  const first = await container.inspect().catch((e: unknown) => mapDockerError(e, id, "start"));
  const budgetMs = options.budgetMs ?? healthBudgetMs(first.Config.Healthcheck);
  const pollMs = options.pollMs ?? 250;
  const hasHealthcheck = Boolean(first.Config.Healthcheck?.Test && first.Config.Healthcheck.Test[0] !== "NONE");
  let runningSince: number | null = null;
  let info = first;
  for (;;) {
    const health = info.State.Health;
    const result = (outcome: WaitOutcome): WaitResult => ({
      outcome,
      elapsedMs: Date.now() - began,
      budgetMs,
      state: info.State.Status,
      health: health?.Status ?? null,
      lastOutput: health?.Log?.at(-1)?.Output?.trim() ?? null,
      exitCode: info.State.Running ? null : (info.State.ExitCode ?? null),
    });
    const fresh = !options.startedAfter || Date.parse(info.State.StartedAt) > options.startedAfter;
    if (fresh) {
      if (!info.State.Running && !info.State.Restarting && info.State.Status !== "created") return result("exited");
      if (hasHealthcheck) {
        if (health?.Status === "healthy") return result("healthy");
        if (health?.Status === "unhealthy") return result("unhealthy");
      } else if (info.State.Running && !info.State.Restarting) {
        runningSince ??= Date.now();
        // A process that dies at once would pass a single look: require it to stay up briefly.
        if (Date.now() - runningSince >= Math.min(2_000, budgetMs)) return result("running");
      } else runningSince = null;
    }
    options.onProgress?.(result("timeout"));
    if (Date.now() - began >= budgetMs || options.signal?.aborted) return result("timeout");
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    info = await container.inspect().catch((e: unknown) => mapDockerError(e, id, "start"));
  }
}
