/** Container → Start (operator, admin): a reason is required. Follows the container until healthy. */
import { defineAction } from "../../actions/define-action";
import { startContainer } from "../container-actions";
import { assertReached, containerControlInput, findTarget, toOutcome } from "./control";

export const startContainerAction = defineAction({
  action: "container.start",
  permission: "containers.control",
  input: containerControlInput,
  resourceType: "container",
  resourceId: (input) => input.id,
  params: (input) => ({ reason: input.reason }),
  run: async (input) => {
    // Starting loses nothing, so no typed confirmation even for stateful services.
    const target = await findTarget(input.id);
    const { docker } = target.m.registry.get(target.engineId);
    try {
      const result = await startContainer(docker, target.id);
      assertReached(target, result.wait, "up");
      return toOutcome(target, result.wait);
    } finally {
      void target.m.monitor.refresh(target.engineId);
    }
  },
});
