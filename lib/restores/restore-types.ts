/**
 * The shapes a restore is described with: the request, the preflight checks, the plan's steps (argv
 * with secrets masked) and the steps as they ran. Plain JSON: stored in restore_runs and shown by the UI.
 */
import type { CommandDisplay, EngineKind } from "../backups/engines/types";

export type RestoreKind = "restore" | "rollback" | "drill" | "dry_run";
export type RestoreStatus = "planned" | "running" | "succeeded" | "failed" | "refused" | "interrupted";

/** ok: passed; warn: passed but called out (loudly when `loud`); fail: blocks the restore; needs_choice: blocks until the admin chooses (drop and replace). */
export type CheckResult = "ok" | "warn" | "fail" | "needs_choice" | "skipped";

export type PreflightCheck = {
  key: string;
  title: string;
  result: CheckResult;
  detail: string;
  /** A mismatch the UI must show prominently (database name). */
  loud?: boolean;
};

export type PreflightReport = {
  ok: boolean;
  checks: PreflightCheck[];
  /** Why it cannot go ahead, one line per blocking check. */
  blockers: string[];
  /** What the plan needs to know from the checks. */
  facts: RestoreFacts;
};

export type RestoreFacts = {
  engine: EngineKind;
  sourceServerVersion: string | null;
  targetServerVersion: string | null;
  /** Postgres: database in the dump → database restored into. ClickHouse: the dump's databases. */
  databases: Array<{ from: string; into: string }>;
  targetEmpty: boolean | null;
  /** Bytes the files restored produce (plaintext). */
  restoreBytes: number;
  /** Estimated size of the target's current data (the safety backup). */
  currentBytes: number | null;
  dependents: Array<{ service: string; containers: string[] }>;
};

export type PlanStep = {
  key: string;
  title: string;
  /** Commands the step runs (secrets masked), when it runs commands. */
  commands: CommandDisplay[];
  detail?: string;
};

export type RestorePlan = { steps: PlanStep[]; notes: string[] };

export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";

export type StepRecord = {
  key: string;
  title: string;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  detail: string | null;
  error: string | null;
};

export type RequestedByUser = { userId: string | null; email: string | null };

export type DependentLeftStopped = { service: string; containers: string[]; why: string };

export type VerifyCheck = { what: string; expected: number | string | null; actual: number | string | null; result: "ok" | "warn" | "fail"; detail?: string };
