/** Container → Stop (operator, admin): a reason is required; stateful services need their name typed. */
import { defineAction } from "../../actions/define-action";
import { stopContainer } from "../container-actions";
import { containerControlInput, controlContainer } from "./control";

export const stopContainerAction = defineAction({
  action: "container.stop",
  permission: "containers.control",
  input: containerControlInput,
  resourceType: "container",
  resourceId: (input) => input.id,
  params: (input) => ({ reason: input.reason, confirmed: Boolean(input.confirm) }),
  run: controlContainer({ verb: "stop", confirm: true, wanted: "stopped", perform: (docker, id) => stopContainer(docker, id) }),
});
