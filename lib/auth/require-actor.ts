import "server-only";
/**
 * For pages and layouts: the signed-in actor, or a redirect to the sign-in page (which brings the person
 * back to the page they asked for). Not the authorization of actions: every action checks for itself.
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "../actions/action-context";
import { getCurrentActor } from "./current-actor";
import { REQUESTED_PATH_HEADER } from "./require-actor-header";
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from "./safe-next-path";

export async function requireActor(): Promise<Actor> {
  const actor = await getCurrentActor();
  if (actor) return actor;
  const next = safeNextPath((await headers()).get(REQUESTED_PATH_HEADER));
  redirect(next === DEFAULT_AFTER_SIGN_IN ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`);
}
