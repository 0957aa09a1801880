/**
 * The restore actions (admin only, `restores.run`): preflight, dry run, run, rollback, drill; and
 * the TOTP step-up every signed-in user can use to re-prove MFA. Each runs through performAction
 * (audited started → outcome; denied callers audited as denied). Run and rollback also require the
 * service name typed again, a reason, and MFA proven within 5 minutes (MFA_REQUIRED otherwise).
 * Runs continue in the background; the returned run id is what the wizard polls.
 */
import { z } from "zod";
import type { ActionContext } from "../../actions/action-context";
import { defineAction } from "../../actions/define-action";
import { AppError } from "../../errors/app-error";
import { dryRunRestore } from "../dry-run-restore";
import { prepareRestore, startRestore, stripPreflight } from "../execute-restore";
import { proveMfaAgain, requireRecentMfa } from "../mfa-step-up";
import { runRestoreDrill } from "../restore-drill";
import { getRestoreRun } from "../restore-runs";
import { resolveRestoreTarget } from "../restore-target";
import { startRollback } from "../rollback-restore";
import { backupIdInput, choicesOf, confirmFields, flag, restoreChoiceFields, serviceInput } from "./restore-input";

function who(ctx: ActionContext) {
  return { userId: ctx.actor?.userId ?? null, email: ctx.actor?.email ?? null };
}

function actorOf(ctx: ActionContext) {
  return ctx.actor ? { id: ctx.actor.userId, email: ctx.actor.email, role: ctx.actor.role } : null;
}

function confirmTyped(typed: string, service: string): void {
  if (typed.trim() !== service) throw new AppError("INVALID_INPUT", `Type the service name "${service}" exactly to confirm.`);
}

const choiceInput = z.object(restoreChoiceFields);

export const restorePreflightAction = defineAction({
  action: "restore.preflight",
  permission: "restores.run",
  input: choiceInput,
  resourceType: "restore",
  resourceId: (input) => input.service,
  run: async (input) => {
    const restoreTarget = await resolveRestoreTarget(input.service);
    const { preflight, plan } = await prepareRestore({ kind: "restore", restoreTarget, backupId: input.backupId, choices: choicesOf(input) });
    return { preflight: stripPreflight(preflight), plan };
  },
});

export const restoreDryRunAction = defineAction({
  action: "restore.dry_run",
  permission: "restores.run",
  input: choiceInput.extend({ reason: z.string().trim().max(500).optional() }),
  resourceType: "restore",
  resourceId: (input) => input.service,
  run: async (input, { ctx, correlationId }) => {
    const restoreTarget = await resolveRestoreTarget(input.service);
    const dry = await dryRunRestore({ restoreTarget, backupId: input.backupId, choices: choicesOf(input), reason: input.reason ?? null, requestedBy: who(ctx), actor: actorOf(ctx), auditCorrelationId: correlationId });
    return { runId: dry.run.id, status: dry.run.status, preflight: dry.preflight, plan: dry.plan };
  },
});

export const restoreRunAction = defineAction({
  action: "restore.run",
  permission: "restores.run",
  input: choiceInput.extend(confirmFields),
  resourceType: "restore",
  resourceId: (input) => input.service,
  run: async (input, { ctx, correlationId }) => {
    confirmTyped(input.confirmService, input.service);
    requireRecentMfa(ctx.actor);
    const restoreTarget = await resolveRestoreTarget(input.service);
    const started = await startRestore({ kind: "restore", restoreTarget, backupId: input.backupId, choices: choicesOf(input), reason: input.reason!, requestedBy: who(ctx), actor: actorOf(ctx), auditCorrelationId: correlationId });
    return { runId: started.run.id, status: started.run.status };
  },
});

export const restoreRollbackAction = defineAction({
  action: "restore.rollback",
  permission: "restores.run",
  input: z.object({ runId: z.uuid("Choose a restore run."), dropAndReplace: flag.default(false), ...confirmFields }),
  resourceType: "restore",
  resourceId: (input) => input.runId,
  run: async (input, { ctx, correlationId }) => {
    const run = await getRestoreRun(input.runId);
    if (!run) throw new AppError("NOT_FOUND", "That restore run does not exist.");
    confirmTyped(input.confirmService, run.service);
    requireRecentMfa(ctx.actor);
    const restoreTarget = await resolveRestoreTarget(run.service, undefined, { startIfStopped: true });
    const started = await startRollback({ runId: run.id, restoreTarget, dropAndReplace: input.dropAndReplace, reason: input.reason!, requestedBy: who(ctx), actor: actorOf(ctx), auditCorrelationId: correlationId });
    return { runId: started.run.id, status: started.run.status };
  },
});

export const restoreDrillAction = defineAction({
  action: "restore.drill",
  permission: "restores.run",
  input: z.object({ service: serviceInput, backupId: z.preprocess((v) => (v === "" ? undefined : v), backupIdInput.optional()) }),
  resourceType: "restore",
  resourceId: (input) => input.service,
  run: async (input, { ctx, correlationId }) => {
    const { target } = await resolveRestoreTarget(input.service);
    const result = await runRestoreDrill({ source: target, backupId: input.backupId ?? null, requestedBy: who(ctx), actor: actorOf(ctx), auditCorrelationId: correlationId });
    return { runId: result.runId, status: result.status, backupId: result.backupId, verification: result.verification?.summary ?? null, error: result.error, containerRemoved: result.container.removed };
  },
});

export const mfaStepUpAction = defineAction({
  action: "auth.mfa.step_up",
  permission: "self.manage",
  input: z.object({ code: z.string().trim().min(6, "Enter the 6-digit code.").max(12) }),
  resourceType: "user",
  params: () => ({}), // never the code
  run: async (input, { ctx }) => {
    if (!ctx.actor) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
    const mfaAt = await proveMfaAgain(ctx.actor, input.code);
    return { mfaAt: mfaAt.toISOString() };
  },
});
