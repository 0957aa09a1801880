/** Container → Restart (operator, admin): a reason is required; stateful services need their name typed. Follows the container until healthy. */
import { defineAction } from "../../actions/define-action";
import { restartContainer } from "../container-actions";
import { containerControlInput, controlContainer } from "./control";

export const restartContainerAction = defineAction({
  action: "container.restart",
  permission: "containers.control",
  input: containerControlInput,
  resourceType: "container",
  resourceId: (input) => input.id,
  params: (input) => ({ reason: input.reason, confirmed: Boolean(input.confirm) }),
  run: controlContainer({ verb: "restart", confirm: true, wanted: "up", perform: (docker, id) => restartContainer(docker, id) }),
});
