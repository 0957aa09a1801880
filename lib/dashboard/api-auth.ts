/**
 * Authorization of the console's JSON API (invariant 2: each route handler checks for itself, from
 * the server-side session): the same permissions as the pages. Nobody signed in → 401; signed in
 * without the permission → 403 and a `denied` audit row, as a page would write.
 */
import type { ActionContext } from "../actions/action-context";
import { appendAuditEvent } from "../audit/append-audit-event";
import { can, type Permission } from "../auth/policy";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { jsonError } from "./http";

/** Null when the caller may go on; otherwise the error response to send. */
export async function authorizeApi(ctx: ActionContext, permission: Permission, resource: string): Promise<Response | null> {
  if (!ctx.actor) return jsonError(new AppError("UNAUTHENTICATED", "Sign in to use this API (send the console's session cookie)."));
  if (can(ctx.actor.role, permission)) return null;
  await appendAuditEvent({
    action: "api.request",
    resourceType: "api",
    resourceId: resource,
    outcome: "denied",
    actor: { id: ctx.actor.userId, email: ctx.actor.email, role: ctx.actor.role },
    error: `missing permission ${permission}`,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  }).catch((error: unknown) => log.error("Could not write the denied API audit row", { error }));
  return jsonError(new AppError("FORBIDDEN", "Your role does not allow this. Ask an admin if you need it."));
}
