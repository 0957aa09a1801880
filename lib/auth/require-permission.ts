import "server-only";
/**
 * For pages: the signed-in actor when their role has the permission; otherwise the 403 page (and a
 * `denied` audit row), or the sign-in page when nobody is signed in.
 */
import { forbidden } from "next/navigation";
import type { Actor } from "../actions/action-context";
import { requestContext } from "../actions/request-context";
import { appendAuditEvent } from "../audit/append-audit-event";
import { log } from "../log/logger";
import { can, type Permission } from "./policy";
import { requireActor } from "./require-actor";

export async function requirePermission(permission: Permission, page?: string): Promise<Actor> {
  const actor = await requireActor();
  if (can(actor.role, permission)) return actor;
  const ctx = await requestContext();
  await appendAuditEvent({
    action: "page.view",
    resourceType: "page",
    resourceId: page ?? null,
    outcome: "denied",
    actor: { id: actor.userId, email: actor.email, role: actor.role },
    error: `missing permission ${permission}`,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  }).catch((error: unknown) => log.error("Could not write the denied page-view audit row", { error }));
  forbidden();
}
