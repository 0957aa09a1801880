import "server-only";
/**
 * What the restore pages show (the caller checks `restores.run`): the services that can be restored,
 * the backups to choose from for one of them (same engine, newest first, filterable by name such as
 * `pre-upgrade-…`, each with what is already known to refuse it: another engine, a newer server
 * version than the last one seen for the service, a missing encryption key), and restore runs with
 * their steps and progress. Display fields only; commands in plans are already masked.
 */
import { identityToRecipient } from "age-encryption";
import { backupRoot } from "../backups/backup-paths";
import { keyIdOf, loadBackupKeys } from "../backups/encryption/age-keys";
import { listBackupsOnDisk } from "../backups/list-backups";
import { majorVersion } from "./compatibility";
import { listRestoreRuns, type RestoreRunRow } from "./restore-runs";

export { restorableServices, type RestorableService } from "./restorable-services";

export type RestoreCandidate = {
  backupId: string;
  service: string;
  name: string | null;
  startedAt: string;
  engine: string | null;
  serverVersion: string | null;
  bytes: number | null;
  encrypted: boolean;
  /** Why it cannot be restored into the service, when that is known without asking the server. */
  refusal: string | null;
};

export async function restoreCandidates(args: { service: string; engine: string; nameFilter?: string; root?: string; limit?: number }): Promise<RestoreCandidate[]> {
  const root = args.root ?? backupRoot();
  const all = await listBackupsOnDisk({ root });
  const keys = await loadBackupKeys().catch(() => ({ identities: [] as string[] }));
  const have = new Set<string>();
  for (const identity of keys.identities) have.add(keyIdOf(await identityToRecipient(identity)));
  const lastVersion = (await listRestoreRuns({ service: args.service, limit: 20 })).map((r) => r.preflight?.facts.targetServerVersion).find(Boolean) ?? null;
  const filter = args.nameFilter?.trim().toLowerCase();
  return all
    .filter((b) => !filter || (b.name ?? "").includes(filter) || b.id.toLowerCase().includes(filter))
    .filter((b) => b.service === args.service || b.manifest?.engine === args.engine)
    .slice(0, args.limit ?? 100)
    .map((b) => {
      const m = b.manifest;
      let refusal: string | null = null;
      if (!m) refusal = `the manifest cannot be read: ${b.problem ?? "unknown problem"}`;
      else if (m.engine !== args.engine) refusal = `engine mismatch: a ${m.engine} backup cannot go into a ${args.engine} service`;
      else if (m.encryption && !m.encryption.recipients.some((r) => have.has(r))) refusal = `missing encryption key: encrypted to ${m.encryption.recipients.join(", ")}, which is not configured`;
      else if (lastVersion) {
        const s = majorVersion(m.engine, m.serverVersion);
        const t = majorVersion(m.engine, lastVersion);
        if (s && t && s.join(".") !== t.join(".") && (s[0]! > t[0]! || (s[0] === t[0] && (s[1] ?? 0) > (t[1] ?? 0)))) refusal = `the dump is from ${m.engine} ${m.serverVersion}, newer than the service's ${lastVersion}`;
      }
      return {
        backupId: b.id,
        service: b.service,
        name: b.name,
        startedAt: b.startedAt.toISOString(),
        engine: m?.engine ?? null,
        serverVersion: m?.serverVersion ?? null,
        bytes: m?.totals.bytes ?? null,
        encrypted: Boolean(m?.encryption),
        refusal,
      };
    });
}

export type RestoreRunView = {
  id: string;
  kind: RestoreRunRow["kind"];
  status: RestoreRunRow["status"];
  service: string;
  engine: string;
  backupId: string;
  safetyBackupId: string | null;
  rollbackOf: string | null;
  dropAndReplace: boolean;
  reason: string | null;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  steps: RestoreRunRow["steps"];
  currentStep: string | null;
  lastCompletedStep: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  percent: number | null;
  error: string | null;
  failedStep: string | null;
  dependentsLeftStopped: NonNullable<RestoreRunRow["dependentsLeftStopped"]>;
  checks: NonNullable<RestoreRunRow["preflight"]>["checks"];
  plan: RestoreRunRow["plan"];
  report: Record<string, unknown> | null;
  /** A rollback can be started from this run. */
  rollbackAvailable: boolean;
};

export function toRunView(run: RestoreRunRow): RestoreRunView {
  const start = run.startedAt ?? run.createdAt;
  const end = run.finishedAt ?? (run.status === "running" ? new Date() : null);
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    service: run.service,
    engine: run.engine,
    backupId: run.backupId,
    safetyBackupId: run.safetyBackupId,
    rollbackOf: run.rollbackOf,
    dropAndReplace: run.dropAndReplace,
    reason: run.reason,
    requestedBy: run.requestedByEmail,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: end ? end.getTime() - start.getTime() : null,
    steps: run.steps,
    currentStep: run.currentStep,
    lastCompletedStep: run.lastCompletedStep,
    bytesDone: run.bytesDone,
    bytesTotal: run.bytesTotal,
    percent: run.percent,
    error: run.error,
    failedStep: run.failedStep,
    dependentsLeftStopped: run.dependentsLeftStopped ?? [],
    checks: run.preflight?.checks ?? [],
    plan: run.plan,
    report: run.report,
    rollbackAvailable: (run.kind === "restore" || run.kind === "rollback") && ["failed", "interrupted", "succeeded"].includes(run.status) && run.safetyBackupId !== null,
  };
}

export async function restoreHistory(limit = 50): Promise<RestoreRunView[]> {
  return (await listRestoreRuns({ limit })).map(toRunView);
}
