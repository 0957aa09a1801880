/**
 * Service → Restart (operator, admin): every container of one compose service, one after the
 * other, each followed until healthy before the next (a rolling restart: it stops at the first
 * container that does not come back, so the others keep serving).
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { serviceConfigFor } from "../../dashboard/service-config";
import { AppError } from "../../errors/app-error";
import { restartContainer } from "../container-actions";
import { isEngineId } from "../engines";
import { ensureMonitoring } from "../monitor-instance";
import { assertReached, confirmSchema, reasonSchema, toOutcome, type ControlOutcome, type TargetContainer } from "./control";

const COMPOSE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export const restartServiceAction = defineAction({
  action: "service.restart",
  permission: "containers.control",
  input: z.object({
    engineId: z.string().refine(isEngineId, "Unknown engine."),
    project: z.string().regex(COMPOSE_NAME, "That is not a compose project name."),
    service: z.string().regex(COMPOSE_NAME, "That is not a compose service name."),
    reason: reasonSchema,
    confirm: confirmSchema,
  }),
  resourceType: "service",
  resourceId: (input) => `${input.engineId}/${input.project}/${input.service}`,
  params: (input) => ({ reason: input.reason, confirmed: Boolean(input.confirm) }),
  run: async (input) => {
    const m = await ensureMonitoring();
    if (!m.registry.ids().includes(input.engineId)) throw new AppError("NOT_FOUND", "Unknown engine.");
    const stack = m.monitor.snapshot().stacks.find((s) => s.engineId === input.engineId && s.project === input.project);
    const containers = stack?.services.find((s) => s.service === input.service)?.containers ?? [];
    if (containers.length === 0) throw new AppError("NOT_FOUND", `No containers of ${input.project}/${input.service} on this engine.`);
    const stateful = serviceConfigFor(m.config, input.project, input.service)?.stateful ?? false;
    if (stateful && input.confirm !== input.service) {
      throw new AppError("INVALID_INPUT", `${input.service} holds data: type its name, ${input.service}, to confirm you want to restart it.`);
    }
    const { docker } = m.registry.get(input.engineId);
    const done: ControlOutcome[] = [];
    try {
      for (const c of containers) {
        const target: TargetContainer = { m, engineId: input.engineId, id: c.id, name: c.name, project: input.project, service: input.service, stateful };
        const result = await restartContainer(docker, c.id);
        assertReached(target, result.wait, "up");
        done.push(toOutcome(target, result.wait));
      }
    } finally {
      void m.monitor.refresh(input.engineId);
    }
    return { containers: done };
  },
});
