/** Container → Start (operator, admin): a reason is required. Follows the container until healthy. */
import { defineAction } from "../../actions/define-action";
import { startContainer } from "../container-actions";
import { containerControlInput, controlContainer } from "./control";

export const startContainerAction = defineAction({
  action: "container.start",
  permission: "containers.control",
  input: containerControlInput,
  resourceType: "container",
  resourceId: (input) => input.id,
  params: (input) => ({ reason: input.reason }),
  // Starting loses nothing, so no typed confirmation even for stateful services.
  run: controlContainer({ verb: "start", confirm: false, wanted: "up", perform: (docker, id) => startContainer(docker, id) }),
});
