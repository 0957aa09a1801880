/** Container → Stop (operator, admin): a reason is required; stateful services need their name typed. */
import { defineAction } from "../../actions/define-action";
import { stopContainer } from "../container-actions";
import { assertReached, containerControlInput, findTarget, requireConfirmation, toOutcome } from "./control";

export const stopContainerAction = defineAction({
  action: "container.stop",
  permission: "containers.control",
  input: containerControlInput,
  resourceType: "container",
  resourceId: (input) => input.id,
  params: (input) => ({ reason: input.reason, confirmed: Boolean(input.confirm) }),
  run: async (input) => {
    const target = await findTarget(input.id);
    requireConfirmation(target, input.confirm, "stop");
    const { docker } = target.m.registry.get(target.engineId);
    try {
      const result = await stopContainer(docker, target.id);
      assertReached(target, result.wait, "stopped");
      return toOutcome(target, result.wait);
    } finally {
      void target.m.monitor.refresh(target.engineId);
    }
  },
});
