/**
 * performAction: authenticate → authorize → audit "started" (committed) → run → audit outcome.
 * Invariants 1 and 2: nothing runs without its committed "started" row; a denied call writes one
 * "denied" row and runs nothing; authorization is decided here, from the server-side session.
 */
import { appendAuditEvent, type AuditEventInput } from "../audit/append-audit-event";
import { can, type Permission } from "../auth/policy";
import { AppError, isAppError } from "../errors/app-error";
import { log } from "../log/logger";
import type { ActionContext } from "./action-context";

export type ActionSpec = {
  /** Dotted action name: `user.role.change`, `container.restart`, `auth.signin` … */
  action: string;
  /** "public" only for the steps that establish identity (sign-in, setup link). */
  permission: Permission | "public";
  resource: { type: string; id?: string | null };
  params?: unknown;
};

export type RunContext = { correlationId: string; ctx: ActionContext };

function baseRow(ctx: ActionContext, spec: ActionSpec): Omit<AuditEventInput, "outcome"> {
  return {
    action: spec.action,
    resourceType: spec.resource.type,
    resourceId: spec.resource.id ?? null,
    actor: ctx.actor ? { id: ctx.actor.userId, email: ctx.actor.email, role: ctx.actor.role } : null,
    params: spec.params,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  };
}

async function deny(ctx: ActionContext, spec: ActionSpec, error: AppError): Promise<never> {
  try {
    await appendAuditEvent({ ...baseRow(ctx, spec), outcome: "denied", error: error.code === "UNAUTHENTICATED" ? "not signed in" : `missing permission ${spec.permission}` });
  } catch (auditError) {
    log.error("Could not write the denied audit row", { action: spec.action, error: auditError });
  }
  throw error;
}

export async function performAction<T>(ctx: ActionContext, spec: ActionSpec, run: (run: RunContext) => Promise<T>): Promise<T> {
  if (spec.permission !== "public") {
    if (!ctx.actor) await deny(ctx, spec, new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue."));
    if (!can(ctx.actor!.role, spec.permission))
      await deny(ctx, spec, new AppError("FORBIDDEN", "Your role does not allow this action. Ask an admin if you need it."));
  }

  let started;
  try {
    started = await appendAuditEvent({ ...baseRow(ctx, spec), outcome: "started" });
  } catch (error) {
    log.error("Audit log write failed; the action was not run", { action: spec.action, error });
    throw new AppError(
      "AUDIT_UNAVAILABLE",
      "Nothing was done: the audit log could not be written, and no action runs without its audit record. Try again; if this persists, check the console's database.",
      { cause: error },
    );
  }

  const outcome = (o: "succeeded" | "failed", error?: string) =>
    appendAuditEvent({ ...baseRow(ctx, spec), outcome: o, correlationId: started.correlationId, error: error ?? null }).catch((auditError: unknown) =>
      log.error("Could not write the audit outcome row", { action: spec.action, correlationId: started.correlationId, outcome: o, error: auditError }),
    );

  try {
    const result = await run({ correlationId: started.correlationId, ctx });
    await outcome("succeeded");
    return result;
  } catch (error) {
    await outcome("failed", isAppError(error) ? `${error.code}: ${error.userMessage}` : error instanceof Error ? error.message : String(error));
    throw error;
  }
}
