import "server-only";
/**
 * The ActionContext of the current request: the actor from the session (re-checked against the
 * database by getCurrentActor), client IP, user agent and a request id.
 */
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { getCurrentActor } from "../auth/current-actor";
import type { ActionContext } from "./action-context";

export async function requestContext(): Promise<ActionContext> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    actor: await getCurrentActor(),
    ip: forwarded || h.get("x-real-ip") || null,
    userAgent: h.get("user-agent"),
    requestId: h.get("x-request-id") ?? randomUUID(),
  };
}
