import "server-only";
import type { Actor } from "../actions/action-context";

/** Resolves the signed-in actor from the session. Implemented with the identity work (Phase 2). */
export async function getCurrentActor(): Promise<Actor | null> {
  return null;
}
