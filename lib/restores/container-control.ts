/**
 * Stopping and starting the containers a restore touches (Docker API through dockerode, no shell),
 * and waiting until each is running and, when it has a healthcheck, healthy.
 */
import type Docker from "dockerode";

export type ContainerRef = { docker: Docker; id: string; name: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a running container (SIGTERM, then SIGKILL after `graceSeconds`). Returns false when it was not running. */
export async function stopContainer(ref: ContainerRef, graceSeconds = 30): Promise<boolean> {
  const container = ref.docker.getContainer(ref.id);
  const info = await container.inspect();
  if (!info.State.Running) return false;
  await container.stop({ t: graceSeconds }).catch((error: unknown) => {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error; // 304: already stopped
  });
  return true;
}

export async function startContainer(ref: ContainerRef): Promise<void> {
  await ref.docker.getContainer(ref.id).start().catch((error: unknown) => {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error; // 304: already started
  });
}

export type HealthReport = { name: string; state: string; health: string | null; ok: boolean };

/** Polls until every container is running and healthy (or has no healthcheck); throws naming the ones that are not. */
export async function waitHealthy(refs: ContainerRef[], timeoutMs = 120_000, signal?: AbortSignal): Promise<HealthReport[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reports: HealthReport[] = [];
    for (const ref of refs) {
      const info = await ref.docker.getContainer(ref.id).inspect();
      const health = info.State.Health?.Status ?? null;
      reports.push({ name: ref.name, state: info.State.Status, health, ok: info.State.Running && (health === null || health === "healthy") });
    }
    if (reports.every((r) => r.ok)) return reports;
    if (Date.now() > deadline || signal?.aborted) {
      const bad = reports.filter((r) => !r.ok).map((r) => `${r.name} is ${r.state}${r.health ? ` (${r.health})` : ""}`);
      throw new Error(`not healthy after ${Math.round(timeoutMs / 1000)} s: ${bad.join(", ")}`);
    }
    await sleep(1000);
  }
}

/**
 * Starts a stopped container and waits until `ready` succeeds (e.g. the server answers a query). The state is
 * read again before every attempt: a container seen running may be on its way down (a kill that has not
 * landed yet, e.g. a rollback right after the target died mid-restore), and would otherwise never be
 * started. Returns whether this call started it.
 */
export async function ensureRunning(ref: ContainerRef, ready: () => Promise<unknown>, timeoutMs = 120_000): Promise<boolean> {
  let started = false;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await ref.docker.getContainer(ref.id).inspect()).State;
    if (!state.Running && !state.Restarting) {
      await startContainer(ref);
      started = true;
    }
    try {
      await ready();
      return started;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${ref.name} did not answer within ${Math.round(timeoutMs / 1000)} s: ${error instanceof Error ? error.message : String(error)}`);
      await sleep(1000);
    }
  }
}
