"use server";

/**
 * Thin wrappers for the restore wizard: the actions themselves (permission, zod input, audit, typed
 * confirmation, MFA step-up) are in lib/restores/actions. The two reads (backups to choose from, a
 * run's progress) check `restores.run` here, server side.
 */
import { revalidatePath } from "next/cache";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { can } from "@/lib/auth/policy";
import { stepUpMethods, type StepUpMethods } from "@/lib/auth/step-up-methods";
import { mfaStepUpAction, restoreDrillAction, restoreDryRunAction, restorePreflightAction, restoreRollbackAction, restoreRunAction } from "@/lib/restores/actions";
import { restoreCandidates, toRunView, type RestoreCandidate, type RestoreRunView } from "@/lib/restores/restore-page-data";
import { getRestoreRun } from "@/lib/restores/restore-runs";

export type ChoiceInput = { service: string; backupId: string; dropAndReplace: boolean; acceptDatabaseMismatch: boolean; intoDatabase?: string };

type ReadResult<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

async function allowed(): Promise<boolean> {
  const ctx = await requestContext();
  return Boolean(ctx.actor && can(ctx.actor.role, "restores.run"));
}

export async function listCandidates(input: { service: string; engine: string; nameFilter?: string }): Promise<ReadResult<RestoreCandidate[]>> {
  if (!(await allowed())) return { ok: false, error: { code: "FORBIDDEN", message: "Your role does not allow restores." } };
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(input.service)) return { ok: false, error: { code: "INVALID_INPUT", message: "Choose a service." } };
  return { ok: true, data: await restoreCandidates({ service: input.service, engine: input.engine, nameFilter: input.nameFilter?.slice(0, 100) }) };
}

export async function readRun(input: { id: string }): Promise<ReadResult<RestoreRunView>> {
  if (!(await allowed())) return { ok: false, error: { code: "FORBIDDEN", message: "Your role does not allow restores." } };
  const run = await getRestoreRun(input.id);
  if (!run) return { ok: false, error: { code: "NOT_FOUND", message: "That restore run does not exist." } };
  return { ok: true, data: toRunView(run) };
}

export async function preflight(input: ChoiceInput) {
  return executeAction(restorePreflightAction, await requestContext(), input);
}

export async function dryRun(input: ChoiceInput) {
  const result = await executeAction(restoreDryRunAction, await requestContext(), input);
  if (result.ok) revalidatePath("/restores");
  return result;
}

export async function startRestore(input: ChoiceInput & { confirmService: string; reason: string }) {
  const result = await executeAction(restoreRunAction, await requestContext(), input);
  if (result.ok) revalidatePath("/restores");
  return result;
}

export async function startRollback(input: { runId: string; dropAndReplace: boolean; confirmService: string; reason: string }) {
  const result = await executeAction(restoreRollbackAction, await requestContext(), input);
  if (result.ok) revalidatePath("/restores");
  return result;
}

export async function runDrill(input: { service: string; backupId?: string }) {
  const result = await executeAction(restoreDrillAction, await requestContext(), input);
  if (result.ok) revalidatePath("/restores");
  return result;
}

export async function stepUpMfa(input: { code: string }) {
  return executeAction(mfaStepUpAction, await requestContext(), input);
}

/** How this user proves MFA again: their authenticator (TOTP), or a re-authentication at a linked, trusted IdP. */
export async function stepUpOptions(): Promise<StepUpMethods> {
  const ctx = await requestContext();
  if (!ctx.actor) return { kind: "none" };
  return stepUpMethods(ctx.actor.userId);
}
