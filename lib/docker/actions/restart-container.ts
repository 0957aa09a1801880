/** Container → Restart (operator, admin): a reason is required; stateful services need their name typed. Follows the container until healthy. */
import { defineAction } from "../../actions/define-action";
import { restartContainer } from "../container-actions";
import { assertReached, containerControlInput, findTarget, requireConfirmation, toOutcome } from "./control";

export const restartContainerAction = defineAction({
  action: "container.restart",
  permission: "containers.control",
  input: containerControlInput,
  resourceType: "container",
  resourceId: (input) => input.id,
  params: (input) => ({ reason: input.reason, confirmed: Boolean(input.confirm) }),
  run: async (input) => {
    const target = await findTarget(input.id);
    requireConfirmation(target, input.confirm, "restart");
    const { docker } = target.m.registry.get(target.engineId);
    try {
      const result = await restartContainer(docker, target.id);
      assertReached(target, result.wait, "up");
      return toOutcome(target, result.wait);
    } finally {
      void target.m.monitor.refresh(target.engineId);
    }
  },
});
