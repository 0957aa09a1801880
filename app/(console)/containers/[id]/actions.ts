"use server";

/** Thin wrappers: the actions themselves (permission, zod input, audit) are in lib/docker/actions. */
import { revalidatePath } from "next/cache";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { restartContainerAction } from "@/lib/docker/actions/restart-container";
import { restartServiceAction } from "@/lib/docker/actions/restart-service";
import { startContainerAction } from "@/lib/docker/actions/start-container";
import { stopContainerAction } from "@/lib/docker/actions/stop-container";

type ControlInput = { id: string; reason: string; confirm?: string };

export async function restartContainer(input: ControlInput) {
  const result = await executeAction(restartContainerAction, await requestContext(), input);
  if (result.ok) revalidatePath(`/containers/${result.data.id}`);
  return result;
}

export async function startContainer(input: ControlInput) {
  const result = await executeAction(startContainerAction, await requestContext(), input);
  if (result.ok) revalidatePath(`/containers/${result.data.id}`);
  return result;
}

export async function stopContainer(input: ControlInput) {
  const result = await executeAction(stopContainerAction, await requestContext(), input);
  if (result.ok) revalidatePath(`/containers/${result.data.id}`);
  return result;
}

export async function restartService(input: { engineId: string; project: string; service: string; reason: string; confirm?: string }) {
  const result = await executeAction(restartServiceAction, await requestContext(), input);
  if (result.ok) for (const c of result.data.containers) revalidatePath(`/containers/${c.id}`);
  return result;
}
