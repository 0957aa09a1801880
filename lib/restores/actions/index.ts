/** Every restore action definition (registered in lib/actions/registry.ts). */
export { mfaStepUpAction, restoreDrillAction, restoreDryRunAction, restorePreflightAction, restoreRollbackAction, restoreRunAction } from "./restore-actions";
