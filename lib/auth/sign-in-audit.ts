/**
 * `auth.signin` rows: one per finished sign-in attempt, with the reason a failure happened. The reason is
 * for the audit log only; the person signing in only ever sees a generic message.
 */
import type { ActionContext } from "../actions/action-context";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { SignInFailureReason } from "./sign-in-throttle";

export type SignInMethod = "totp" | "recovery_code" | "enrolment";

export async function auditSignInFailure(
  ctx: ActionContext,
  params: { email: string; userId?: string | null; reason: SignInFailureReason; step: "password" | "second_factor" | "enrolment" },
) {
  const denied = params.reason === "locked" || params.reason === "disabled";
  await appendAuditEvent({
    action: "auth.signin",
    resourceType: "user",
    resourceId: params.userId ?? null,
    outcome: denied ? "denied" : "failed",
    actor: null,
    params: { email: params.email, reason: params.reason, step: params.step },
    error: params.reason,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  });
}

export async function auditSignInSuccess(
  ctx: ActionContext,
  params: { user: { id: string; email: string; role: string }; method: SignInMethod; sessionId: string; breakGlass?: boolean },
) {
  await appendAuditEvent({
    action: "auth.signin",
    resourceType: "user",
    resourceId: params.user.id,
    outcome: "succeeded",
    actor: { id: params.user.id, email: params.user.email, role: params.user.role },
    params: { email: params.user.email, method: params.method, sessionId: params.sessionId, ...(params.breakGlass ? { breakGlass: true } : {}) },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  });
}
