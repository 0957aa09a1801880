/**
 * Backup runs in Postgres: the job record with persisted progress (step, bytes, percent, heartbeat)
 * that the UI polls (invariant 7). At most one run per service is queued or running — a partial
 * unique index decides, so two consoles asking at once cannot both start one; the loser gets a clear
 * CONFLICT naming the run in progress.
 *
 * Each run records its owner (host:pid:token). After a console restart, `recoverInterruptedRuns`
 * turns runs whose owner process is gone (or whose heartbeat stopped) into `interrupted` — never
 * `succeeded` — and removes their `.partial` folders.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { appendAuditEvent } from "../audit/append-audit-event";
import { pool } from "../db/pool";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { FOLDER_PATTERN, PARTIAL_SUFFIX, parseBackupId } from "./backup-paths";
import { notifyBackupProblem } from "./notify-failure";
import type { Manifest, RequestedBy } from "./manifest";

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "interrupted";

export type BackupRunRow = {
  id: string;
  stack: string;
  service: string;
  engine: string;
  name: string | null;
  status: RunStatus;
  trigger: "user" | "schedule" | "system";
  requestedById: string | null;
  requestedByEmail: string | null;
  scheduleId: string | null;
  backupId: string;
  step: string | null;
  bytesDone: number;
  bytesEstimated: number | null;
  percent: number | null;
  encrypted: boolean;
  keyId: string | null;
  owner: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  error: string | null;
  stderrTail: string | null;
  totalBytes: number | null;
  manifest: Manifest | null;
  manifestSha256: string | null;
  deletedAt: Date | null;
  deletedReason: string | null;
  auditCorrelationId: string | null;
};

const COLUMNS = `id, stack, service, engine, name, status, trigger, requested_by_id as "requestedById", requested_by_email as "requestedByEmail",
  schedule_id as "scheduleId", backup_id as "backupId", step, bytes_done::float8 as "bytesDone", bytes_estimated::float8 as "bytesEstimated", percent,
  encrypted, key_id as "keyId", owner, created_at as "createdAt", started_at as "startedAt", finished_at as "finishedAt", heartbeat_at as "heartbeatAt",
  error, stderr_tail as "stderrTail", total_bytes::float8 as "totalBytes", manifest, manifest_sha256 as "manifestSha256",
  deleted_at as "deletedAt", deleted_reason as "deletedReason", audit_correlation_id as "auditCorrelationId"`;

const processState = globalThis as unknown as { __opsdeckBackupOwner?: string };

/** This process's owner tag: host, pid and a random token (a reused pid is not mistaken for us). */
export function processOwner(): string {
  processState.__opsdeckBackupOwner ??= `${hostname()}:${process.pid}:${randomBytes(6).toString("hex")}`;
  return processState.__opsdeckBackupOwner;
}

export function requestedByColumns(by: RequestedBy): { trigger: BackupRunRow["trigger"]; id: string | null; email: string | null; scheduleId: string | null } {
  if (by.kind === "user") return { trigger: "user", id: by.userId, email: by.email, scheduleId: null };
  if (by.kind === "schedule") return { trigger: "schedule", id: null, email: null, scheduleId: by.scheduleId };
  return { trigger: "system", id: null, email: null, scheduleId: null };
}

export type ClaimInput = {
  stack: string;
  service: string;
  engine: string;
  name: string | null;
  backupId: string;
  requestedBy: RequestedBy;
  encrypted: boolean;
  keyId: string | null;
  status: "queued" | "running";
  auditCorrelationId?: string | null;
};

/** Inserts the run, or throws CONFLICT when the service has a run queued or running. */
export async function claimBackupRun(input: ClaimInput): Promise<BackupRunRow> {
  const by = requestedByColumns(input.requestedBy);
  const id = randomUUID();
  try {
    const { rows } = await pool().query<BackupRunRow>(
      `insert into backup_runs (id, stack, service, engine, name, status, trigger, requested_by_id, requested_by_email, schedule_id, backup_id,
                                encrypted, key_id, owner, started_at, heartbeat_at, step, audit_correlation_id)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14, case when $6 = 'running' then now() end, now(), $15, $16)
       returning ${COLUMNS}`,
      [id, input.stack, input.service, input.engine, input.name, input.status, by.trigger, by.id, by.email, by.scheduleId, input.backupId, input.encrypted, input.keyId,
        input.status === "running" ? processOwner() : null, input.status === "queued" ? "queued" : "starting", input.auditCorrelationId ?? null],
    );
    return rows[0]!;
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).code === "23505" && (error as { constraint?: string }).constraint === "backup_runs_one_active_per_service") {
      const active = await activeRun(input.stack, input.service);
      throw new AppError("CONFLICT", describeActive(input.service, active), { cause: error });
    }
    throw error;
  }
}

function describeActive(service: string, run: BackupRunRow | null): string {
  if (!run) return `A backup of ${service} is already in progress. Wait for it to finish.`;
  const who = run.requestedByEmail ?? (run.trigger === "schedule" ? "a schedule" : "the console");
  const since = (run.startedAt ?? run.createdAt).toISOString().replace("T", " ").slice(0, 19);
  const progress = run.percent !== null ? `, ${Math.floor(run.percent)}% done` : "";
  return `A backup of ${service} is already ${run.status === "queued" ? "queued" : "running"} (started ${since} UTC by ${who}${progress}). Only one backup per service runs at a time; wait for it to finish.`;
}

export async function activeRun(stack: string, service: string): Promise<BackupRunRow | null> {
  const { rows } = await pool().query<BackupRunRow>(`select ${COLUMNS} from backup_runs where stack = $1 and service = $2 and status in ('queued','running') limit 1`, [stack, service]);
  return rows[0] ?? null;
}

/** A queued run picked up by a worker. False when it is no longer queued (done, or interrupted meanwhile). */
export async function markRunning(id: string): Promise<boolean> {
  const { rowCount } = await pool().query(
    `update backup_runs set status = 'running', owner = $2, started_at = now(), heartbeat_at = now(), step = 'starting' where id = $1 and status = 'queued'`,
    [id, processOwner()],
  );
  return rowCount === 1;
}

export async function updateProgress(id: string, p: { step?: string; bytesDone?: number; bytesEstimated?: number | null; percent?: number | null }): Promise<void> {
  await pool().query(
    `update backup_runs set step = coalesce($2, step), bytes_done = coalesce($3, bytes_done), bytes_estimated = coalesce($4, bytes_estimated),
            percent = coalesce($5, percent), heartbeat_at = now() where id = $1 and status = 'running'`,
    [id, p.step ?? null, p.bytesDone ?? null, p.bytesEstimated ?? null, p.percent ?? null],
  );
}

export async function finishRun(
  id: string,
  result:
    | { status: "succeeded"; totalBytes: number; manifest: Manifest; manifestSha256: string }
    | { status: "failed"; error: string; stderrTail: string | null },
): Promise<void> {
  if (result.status === "succeeded") {
    await pool().query(
      `update backup_runs set status = 'succeeded', finished_at = now(), heartbeat_at = now(), step = 'done', percent = 100,
              total_bytes = $2, manifest = $3::jsonb, manifest_sha256 = $4 where id = $1 and status = 'running'`,
      [id, result.totalBytes, JSON.stringify(result.manifest), result.manifestSha256],
    );
  } else {
    await pool().query(
      `update backup_runs set status = 'failed', finished_at = now(), heartbeat_at = now(), error = $2, stderr_tail = $3 where id = $1 and status in ('queued','running')`,
      [id, result.error.slice(0, 4000), result.stderrTail?.slice(-4000) ?? null],
    );
  }
}

export async function getRun(id: string): Promise<BackupRunRow | null> {
  const { rows } = await pool().query<BackupRunRow>(`select ${COLUMNS} from backup_runs where id = $1`, [id]);
  return rows[0] ?? null;
}

export async function getRunByBackupId(backupId: string): Promise<BackupRunRow | null> {
  const { rows } = await pool().query<BackupRunRow>(`select ${COLUMNS} from backup_runs where backup_id = $1`, [backupId]);
  return rows[0] ?? null;
}

/** Runs of one service (or all), newest first. */
export async function listRuns(filter: { stack?: string; service?: string; limit?: number } = {}): Promise<BackupRunRow[]> {
  const { rows } = await pool().query<BackupRunRow>(
    `select ${COLUMNS} from backup_runs where ($1::text is null or stack = $1) and ($2::text is null or service = $2) order by created_at desc limit $3`,
    [filter.stack ?? null, filter.service ?? null, filter.limit ?? 200],
  );
  return rows;
}

export async function markRunDeleted(backupId: string, reason: string): Promise<void> {
  await pool().query(`update backup_runs set deleted_at = now(), deleted_reason = $2 where backup_id = $1 and deleted_at is null`, [backupId, reason]);
}

function ownerGone(owner: string | null): boolean {
  if (!owner) return true;
  const [host, pidText, token] = owner.split(":");
  if (owner === processOwner()) return false;
  if (host !== hostname()) return false; // another machine's run: only a stale heartbeat tells
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !token) return true;
  if (pid === process.pid) return true; // our pid, another token: a previous process with our pid
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "EPERM";
  }
}

export type RecoveryReport = { interrupted: string[]; partialFoldersRemoved: string[] };

/**
 * Call at start (and now and then): runs whose owner process is gone, or whose heartbeat is older
 * than `staleMs`, become `interrupted`; queued runs older than `queuedStaleMs` too. Their `.partial`
 * folders are removed, and so is any `.partial` folder no running run owns. Each interruption is audited.
 */
export async function recoverInterruptedRuns(options: { root: string; staleMs?: number; queuedStaleMs?: number }): Promise<RecoveryReport> {
  const staleMs = options.staleMs ?? 120_000;
  const queuedStaleMs = options.queuedStaleMs ?? 6 * 3600_000;
  const { rows } = await pool().query<BackupRunRow & { heartbeatAgeMs: number; ageMs: number }>(
    `select ${COLUMNS}, extract(epoch from now() - coalesce(heartbeat_at, created_at)) * 1000 as "heartbeatAgeMs",
            extract(epoch from now() - created_at) * 1000 as "ageMs"
       from backup_runs where status in ('queued','running')`,
  );
  const interrupted: string[] = [];
  for (const run of rows) {
    const orphan = run.status === "running" ? ownerGone(run.owner) || run.heartbeatAgeMs > staleMs : run.ageMs > queuedStaleMs;
    if (!orphan) continue;
    const { rowCount } = await pool().query(
      `update backup_runs set status = 'interrupted', finished_at = now(),
              error = coalesce(error, $2) where id = $1 and status in ('queued','running')`,
      [run.id, run.status === "running" ? "The console stopped while this backup was running; nothing of it was kept. Run it again." : "This backup was queued but never started."],
    );
    if (rowCount !== 1) continue;
    interrupted.push(run.id);
    log.warn("Backup run interrupted by a console restart", { runId: run.id, service: run.service, backupId: run.backupId });
    await appendAuditEvent({
      action: "backup.run.result",
      resourceType: "backup",
      resourceId: run.backupId,
      outcome: "failed",
      actor: null,
      params: { runId: run.id, status: "interrupted" },
      error: "interrupted: the console stopped while the backup was running",
      correlationId: run.auditCorrelationId ?? undefined,
    }).catch((error: unknown) => log.error("Could not audit an interrupted backup run", { runId: run.id, error }));
    await notifyBackupProblem({ event: "backup.interrupted", stack: run.stack, service: run.service, runId: run.id, backupId: run.backupId, error: "the console stopped while the backup was running", at: new Date().toISOString() });
  }
  const removed = await removeOrphanPartials(options.root);
  return { interrupted, partialFoldersRemoved: removed };
}

/** Removes `<folder>.partial` directories that no running run is writing. */
async function removeOrphanPartials(root: string): Promise<string[]> {
  const { rows } = await pool().query<{ backupId: string }>(`select backup_id as "backupId" from backup_runs where status = 'running'`);
  const active = new Set(rows.map((r) => r.backupId));
  const removed: string[] = [];
  const list = async (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const stack of await list(root)) {
    if (!stack.isDirectory()) continue;
    for (const service of await list(path.join(root, stack.name))) {
      if (!service.isDirectory()) continue;
      for (const entry of await list(path.join(root, stack.name, service.name))) {
        if (!entry.isDirectory() || !entry.name.endsWith(PARTIAL_SUFFIX)) continue;
        const folder = entry.name.slice(0, -PARTIAL_SUFFIX.length);
        if (!FOLDER_PATTERN.test(folder)) continue;
        const id = `${stack.name}/${service.name}/${folder}`;
        try {
          parseBackupId(id);
        } catch {
          continue;
        }
        if (active.has(id)) continue;
        await rm(path.join(root, stack.name, service.name, entry.name), { recursive: true, force: true });
        removed.push(id);
      }
    }
  }
  return removed;
}
