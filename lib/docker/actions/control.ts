/**
 * What the container actions share: their input (a validated id, a required reason, the typed
 * confirmation for stateful services), finding the container on its engine, the stateful check,
 * and turning a wait result into success or a message saying what went wrong.
 */
import type Docker from "dockerode";
import { z } from "zod";
import { AppError } from "../../errors/app-error";
import { locateContainer } from "../../dashboard/locate";
import { serviceConfigFor } from "../../dashboard/service-config";
import { CONTAINER_ID_PATTERN } from "../container-id";
import type { WaitResult } from "../container-actions";
import { PROJECT_LABEL, SERVICE_LABEL } from "../list-containers";
import { ensureMonitoring, type MonitoringInstances } from "../monitor-instance";

export const reasonSchema = z
  .string({ message: "Say why: the reason goes into the audit log." })
  .trim()
  .min(3, "Say why (a few words): the reason goes into the audit log.")
  .max(500, "Keep the reason under 500 characters.");

export const confirmSchema = z.string().trim().max(200).optional();

export const containerControlInput = z.object({
  id: z.string({ message: "That is not a valid container id." }).regex(CONTAINER_ID_PATTERN, "That is not a valid container id."),
  reason: reasonSchema,
  /** The service name, typed, for services marked stateful in opsdeck.yaml. */
  confirm: confirmSchema,
});

export type ContainerControlInput = z.infer<typeof containerControlInput>;

export type ControlOutcome = {
  id: string;
  name: string;
  outcome: WaitResult["outcome"];
  state: string;
  health: string | null;
  elapsedMs: number;
  budgetMs: number;
};

export type TargetContainer = {
  m: MonitoringInstances;
  engineId: string;
  id: string;
  name: string;
  project: string | null;
  service: string | null;
  stateful: boolean;
};

export async function findTarget(rawId: string): Promise<TargetContainer> {
  const m = await ensureMonitoring();
  const located = await locateContainer(m, rawId);
  if (!located) throw new AppError("NOT_FOUND", "No container with that id on the watched engines.");
  const info = await m.registry
    .get(located.engineId)
    .docker.getContainer(located.id)
    .inspect()
    .catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404) throw new AppError("NOT_FOUND", "That container no longer exists.");
      throw error;
    });
  const labels = info.Config.Labels ?? {};
  const project = labels[PROJECT_LABEL] ?? null;
  const service = labels[SERVICE_LABEL] ?? null;
  return {
    m,
    engineId: located.engineId,
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    project,
    service,
    stateful: serviceConfigFor(m.config, project, service)?.stateful ?? false,
  };
}

/** The name to type for a stateful service: the compose service, else the container name. */
export function confirmationWord(target: Pick<TargetContainer, "service" | "name">): string {
  return target.service ?? target.name;
}

export function requireConfirmation(target: TargetContainer, confirm: string | undefined, verb: string): void {
  if (!target.stateful) return;
  const word = confirmationWord(target);
  if (confirm !== word) {
    throw new AppError("INVALID_INPUT", `${word} holds data: type its name, ${word}, to confirm you want to ${verb} it.`);
  }
}

export function toOutcome(target: TargetContainer, wait: WaitResult): ControlOutcome {
  return { id: target.id, name: target.name, outcome: wait.outcome, state: wait.state, health: wait.health, elapsedMs: wait.elapsedMs, budgetMs: wait.budgetMs };
}

/** Success for healthy / running (after a start or restart) and stopped (after a stop); otherwise a failure that says why. */
export function assertReached(target: TargetContainer, wait: WaitResult, wanted: "up" | "stopped"): void {
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  if (wanted === "stopped") {
    if (wait.outcome === "stopped") return;
    throw new AppError("CONFLICT", `${target.name} was still ${wait.state} ${seconds(wait.elapsedMs)} after the stop.`);
  }
  if (wait.outcome === "healthy" || wait.outcome === "running") return;
  const last = wait.lastOutput ? ` Last health check: ${wait.lastOutput.slice(0, 300)}` : "";
  const why =
    wait.outcome === "timeout"
      ? `did not become healthy within its health check's budget of ${seconds(wait.budgetMs)} (it is ${wait.health ?? wait.state})`
      : wait.outcome === "unhealthy"
        ? "came back unhealthy"
        : `exited${wait.exitCode !== null ? ` with code ${wait.exitCode}` : ""} instead of staying up`;
  throw new AppError("CONFLICT", `${target.name} ${why}.${last}`);
}

/**
 * The run of a container control action: find the container, ask the typed name where the verb can
 * lose data on a stateful service, perform it, check it reached the wanted state, and refresh the
 * dashboard's listing whatever happened.
 */
export function controlContainer(options: {
  verb: "restart" | "start" | "stop";
  /** Ask the service name typed for stateful services (not for start: starting loses nothing). */
  confirm: boolean;
  wanted: "up" | "stopped";
  perform: (docker: Docker, id: string) => Promise<{ wait: WaitResult }>;
}): (input: ContainerControlInput) => Promise<ControlOutcome> {
  return async (input) => {
    const target = await findTarget(input.id);
    if (options.confirm) requireConfirmation(target, input.confirm, options.verb);
    const { docker } = target.m.registry.get(target.engineId);
    try {
      const result = await options.perform(docker, target.id);
      assertReached(target, result.wait, options.wanted);
      return toOutcome(target, result.wait);
    } finally {
      void target.m.monitor.refresh(target.engineId);
    }
  };
}
