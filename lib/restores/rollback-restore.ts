/**
 * Rollback: restores the safety backup a restore took before it changed anything, into the same
 * service and the same databases, with the same guards (preflight, typed confirmation and MFA in the
 * action, its own safety backup of the current state first). Offered for a failed or interrupted
 * restore whose target was touched, and for a succeeded one (undo). The target is started first if
 * the failure left it stopped (e.g. its container was killed mid-restore).
 */
import { AppError } from "../errors/app-error";
import { startRestore, type RestoreRequest, type StartedRestore } from "./execute-restore";
import { getRestoreRun } from "./restore-runs";

export async function startRollback(args: Omit<RestoreRequest, "kind" | "backupId" | "rollbackOf" | "choices"> & { runId: string; dropAndReplace: boolean }): Promise<StartedRestore> {
  const run = await getRestoreRun(args.runId);
  if (!run) throw new AppError("NOT_FOUND", "That restore run does not exist.");
  if (run.kind !== "restore" && run.kind !== "rollback") throw new AppError("INVALID_INPUT", `A ${run.kind} cannot be rolled back: it did not change the service.`);
  if (!["failed", "interrupted", "succeeded"].includes(run.status)) throw new AppError("CONFLICT", `This restore is ${run.status}; a rollback is offered once it has ended.`);
  if (!run.safetyBackupId) throw new AppError("CONFLICT", "This restore has no safety backup (it failed before taking one), so the service was not changed by it and there is nothing to roll back.");
  const target = args.restoreTarget.target;
  if (target.stack !== run.stack || target.service !== run.service) throw new AppError("INVALID_INPUT", `This restore was of ${run.service}; a rollback goes into the same service.`);
  // The safety backup holds the target's databases under their own (target) names.
  const databases = target.kind === "postgres" ? (run.preflight?.facts.databases ?? []).map((m) => m.into) : undefined;
  return startRestore({
    ...args,
    kind: "rollback",
    backupId: run.safetyBackupId,
    rollbackOf: run.id,
    // Dependents the failed run left stopped — or, when the console died mid-run, every dependent it may have stopped.
    restartAfter: run.status === "interrupted" ? (run.preflight?.facts.dependents ?? []).flatMap((d) => d.containers) : (run.dependentsLeftStopped ?? []).flatMap((d) => d.containers),
    choices: { dropAndReplace: args.dropAndReplace, ...(databases?.length ? { databases } : {}) },
  });
}
