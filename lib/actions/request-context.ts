import "server-only";
/**
 * The ActionContext of the current request: the actor from the session (re-checked against the
 * database by getCurrentActor), client IP, user agent and a request id.
 */
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { getCurrentActor } from "../auth/current-actor";
import { CLIENT_IP_HEADER } from "../server/client-ip";
import type { ActionContext } from "./action-context";

export async function requestContext(): Promise<ActionContext> {
  const h = await headers();
  return {
    actor: await getCurrentActor(),
    // Set by server.ts from the socket (and trusted proxy hops only); any client-sent value is overwritten.
    ip: h.get(CLIENT_IP_HEADER),
    userAgent: h.get("user-agent"),
    requestId: h.get("x-request-id") ?? randomUUID(),
  };
}
