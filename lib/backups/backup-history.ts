/**
 * What the backups pages show (read-only; the caller checks `backups.view`): per run — status, size,
 * duration, who or what asked, the error and stderr tail of a failure, live progress of a running one
 * (bytes, rate, percent), the backup's checksums, its latest verification and its remote copies.
 * Only display fields leave here: no manifest internals beyond file names, sizes and hashes.
 */
import { getRun, listRuns, type BackupRunRow } from "./backup-runs";
import { copiesOf } from "./stores/remote-copy";
import { latestVerifications } from "./verify-backup";

export type BackupHistoryRow = {
  runId: string;
  backupId: string;
  stack: string;
  service: string;
  engine: string;
  name: string | null;
  status: BackupRunRow["status"];
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  step: string | null;
  bytesDone: number;
  percent: number | null;
  /** Bytes per second over the run so far (running) or in all (finished). */
  rate: number | null;
  totalBytes: number | null;
  encrypted: boolean;
  keyId: string | null;
  error: string | null;
  stderrTail: string | null;
  deleted: { at: string; reason: string | null } | null;
  files: Array<{ path: string; bytes: number; sha256: string }>;
  verification: { ok: boolean; summary: string; at: string } | null;
  copies: Array<{ store: string; target: string; status: string; verified: boolean; error: string | null }>;
};

function who(run: BackupRunRow): string {
  if (run.trigger === "schedule") return "schedule";
  if (run.trigger === "system") return "console";
  return run.requestedByEmail ?? "a user";
}

function toRow(run: BackupRunRow, verification: BackupHistoryRow["verification"], copies: BackupHistoryRow["copies"]): BackupHistoryRow {
  const start = run.startedAt ?? run.createdAt;
  const end = run.finishedAt ?? (run.status === "running" ? new Date() : null);
  const durationMs = end ? end.getTime() - start.getTime() : null;
  return {
    runId: run.id,
    backupId: run.backupId,
    stack: run.stack,
    service: run.service,
    engine: run.engine,
    name: run.name,
    status: run.status,
    requestedBy: who(run),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs,
    step: run.step,
    bytesDone: run.bytesDone,
    percent: run.percent,
    rate: durationMs && durationMs > 0 ? Math.round((run.bytesDone * 1000) / durationMs) : null,
    totalBytes: run.totalBytes,
    encrypted: run.encrypted,
    keyId: run.keyId,
    error: run.error,
    stderrTail: run.stderrTail,
    deleted: run.deletedAt ? { at: run.deletedAt.toISOString(), reason: run.deletedReason } : null,
    files: (run.manifest?.files ?? []).map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })),
    verification,
    copies,
  };
}

/** Runs newest first, with verification and copies. */
export async function backupHistory(filter: { stack?: string; service?: string; limit?: number } = {}): Promise<BackupHistoryRow[]> {
  const runs = await listRuns(filter);
  const ids = runs.map((r) => r.backupId);
  const [verifications, copies] = await Promise.all([latestVerifications(ids), copiesOf(ids)]);
  return runs.map((run) => {
    const v = verifications.get(run.backupId);
    return toRow(
      run,
      v ? { ok: v.ok, summary: v.summary, at: v.at.toISOString() } : null,
      copies.filter((c) => c.backupId === run.backupId).map((c) => ({ store: c.store, target: c.target, status: c.status, verified: c.verified, error: c.error })),
    );
  });
}

/** One run's state, for the progress bar's polling. */
export async function backupRunProgress(runId: string): Promise<BackupHistoryRow | null> {
  const run = await getRun(runId);
  return run ? toRow(run, null, []) : null;
}
