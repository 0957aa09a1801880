/**
 * One backup of one service, as a job with persisted progress (invariant 7):
 *   claim the run (one per service at a time) → inspect the container (image, digest) → describe the
 *   server → plan → [prepare, e.g. Redis BGSAVE] → stream every dump file into `<folder>.partial`
 *   (compressed where the format is not, optionally age-encrypted, sha256-hashed, fsynced) →
 *   manifest.json → rename to the final folder → mark succeeded → audit → remote copy.
 * A failure removes the partial folder, records the error and the command's stderr tail (secrets
 * scrubbed), audits it and calls the notification hook. Nothing is buffered whole (invariant 6).
 */
import type { Readable } from "node:stream";
import { appendAuditEvent } from "../audit/append-audit-event";
import { AppError, isAppError } from "../errors/app-error";
import { log } from "../log/logger";
import { OPSDECK_VERSION } from "../version";
import { ArtifactWriter, defaultCompression, type Compression } from "./artifact-writer";
import { backupIdOf, backupRoot, folderNameFor, isBackupName, parseBackupId } from "./backup-paths";
import { claimBackupRun, finishRun, markRunning, updateProgress, type BackupRunRow } from "./backup-runs";
import { CommandFailedError, displayCommand, expectSuccess, runCommand, scrub } from "./engines/command";
import { engineFor } from "./engines";
import type { BackupTarget, CommandDisplay, EngineDescription } from "./engines/types";
import { loadBackupKeys, keyIdOf, type BackupKeys } from "./encryption/age-keys";
import type { Manifest, ManifestFile, RequestedBy } from "./manifest";
import { notifyBackupProblem } from "./notify-failure";

export type BackupRequest = {
  target: BackupTarget;
  name?: string | null;
  requestedBy: RequestedBy;
  /** Default: encrypt when a key is configured. True without a key is an error. */
  encrypt?: boolean;
  /** Default BACKUP_DIR. */
  root?: string;
  auditCorrelationId?: string | null;
  /** Called after a successful backup (remote copies). Its failure does not fail the backup. */
  afterSuccess?: (run: BackupRunRow, dir: string, manifest: Manifest) => Promise<void>;
};

export type BackupOutcome =
  | { status: "succeeded"; runId: string; backupId: string; dir: string; manifest: Manifest }
  | { status: "failed"; runId: string; backupId: string; error: string; stderrTail: string | null };

export type StartedBackup = { run: BackupRunRow; done: Promise<BackupOutcome> };

/** A dump step that produces no byte for this long is aborted. */
export const STALL_MS = 15 * 60_000;

function validateRequest(req: BackupRequest): void {
  if (req.name != null && !isBackupName(req.name)) {
    throw new AppError("INVALID_INPUT", "A backup name is lowercase letters, digits, dots, dashes and underscores (e.g. pre-upgrade-1.43.0), at most 63 characters.");
  }
}

async function keysFor(req: BackupRequest): Promise<BackupKeys | null> {
  const keys = await loadBackupKeys();
  if (req.encrypt === false) return null;
  if (keys.recipients.length === 0) {
    if (req.encrypt === true) throw new AppError("CONFIG_INVALID", "Encryption was asked for, but no backup key is configured (BACKUP_AGE_IDENTITY_FILE, BACKUP_AGE_IDENTITY or BACKUP_AGE_RECIPIENTS).");
    return null;
  }
  return keys;
}

/** The backup id a request made now would get. */
export function newBackupId(req: Pick<BackupRequest, "target" | "name">, at = new Date()): string {
  return backupIdOf({ stack: req.target.stack, service: req.target.service, folder: folderNameFor(at, req.name ?? null) });
}

/** Claims the service (CONFLICT if busy) and runs the backup in the background. */
export async function startBackup(req: BackupRequest): Promise<StartedBackup> {
  validateRequest(req);
  const keys = await keysFor(req);
  const run = await claimBackupRun({
    stack: req.target.stack,
    service: req.target.service,
    engine: req.target.kind,
    name: req.name ?? null,
    backupId: newBackupId(req),
    requestedBy: req.requestedBy,
    encrypted: keys !== null,
    keyId: keys ? keyIdOf(keys.recipients[0]!) : null,
    status: "running",
    auditCorrelationId: req.auditCorrelationId,
  });
  const done = executeRun(run, req, keys);
  done.catch(() => undefined);
  return { run, done };
}

/** Runs a backup to the end (claim included). */
export async function runBackup(req: BackupRequest): Promise<BackupOutcome> {
  return (await startBackup(req)).done;
}

/** Executes a run a worker took off the queue (claimed earlier with status queued). */
export async function executeQueuedRun(run: BackupRunRow, req: BackupRequest): Promise<BackupOutcome | null> {
  if (!(await markRunning(run.id))) return null;
  const keys = await keysFor(req).catch(async (error: unknown) => {
    await finishRun(run.id, { status: "failed", error: isAppError(error) ? error.userMessage : String(error), stderrTail: null });
    throw error;
  });
  return executeRun({ ...run, status: "running" }, req, keys);
}

class ProgressReporter {
  bytes = 0;
  private lastWrite = 0;
  private step = "starting";
  private completedWeight = 0;
  private currentWeight = 0;
  private currentStartBytes = 0;
  private pending: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly runId: string,
    private readonly totalWeight: () => number,
  ) {
    // Heartbeat even when no byte moves (a long BGSAVE): a stale heartbeat means a dead worker.
    this.timer = setInterval(() => this.write(true), 5_000);
    this.timer.unref();
  }

  startFile(step: string, weight: number): void {
    this.completedWeight += this.currentWeight;
    this.currentWeight = weight;
    this.currentStartBytes = this.bytes;
    this.setStep(step);
  }

  setStep(step: string): void {
    this.step = step;
    this.write(true);
  }

  add(n: number): void {
    this.bytes += n;
    if (Date.now() - this.lastWrite >= 1_000) this.write(false);
  }

  percent(): number | null {
    const total = this.totalWeight();
    if (!total) return null;
    const inFile = this.currentWeight ? Math.min(1, (this.bytes - this.currentStartBytes) / this.currentWeight) : 0;
    return Math.min(99, (100 * (this.completedWeight + inFile * this.currentWeight)) / total);
  }

  private write(force: boolean): void {
    if (!force && Date.now() - this.lastWrite < 1_000) return;
    this.lastWrite = Date.now();
    const update = { step: this.step, bytesDone: this.bytes, percent: this.percent() };
    this.pending = this.pending
      .then(() => updateProgress(this.runId, update))
      .catch((error: unknown) => log.warn("Could not record backup progress", { runId: this.runId, error }));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pending;
  }
}

async function imageDigest(target: BackupTarget, imageId: string): Promise<string | null> {
  try {
    const image = await target.docker.getImage(imageId).inspect();
    return image.RepoDigests?.[0] ?? null;
  } catch {
    return null;
  }
}

function totals(description: EngineDescription) {
  const tables = description.databases.reduce((n, d) => n + d.tables.length, 0);
  const rowsKnown = description.databases.every((d) => d.tables.every((t) => t.rows !== null));
  const rows = rowsKnown ? description.databases.reduce((n, d) => n + d.tables.reduce((m, t) => m + (t.rows ?? 0), 0), 0) : null;
  return { databases: description.databases.length, tables, rows };
}

async function executeRun(run: BackupRunRow, req: BackupRequest, keys: BackupKeys | null): Promise<BackupOutcome> {
  const started = new Date();
  const target = req.target;
  const engine = engineFor(target.kind);
  const parts = parseBackupId(run.backupId);
  const root = req.root ?? backupRoot();
  let estimated = 0;
  const progress = new ProgressReporter(run.id, () => estimated);
  let writer: ArtifactWriter | null = null;
  let stderrTail: string | null = null;
  try {
    progress.setStep("inspecting the container");
    const info = await target.docker.getContainer(target.containerId).inspect();
    const container = { id: info.Id, name: info.Name.replace(/^\//, ""), image: info.Config.Image, imageId: info.Image, digest: await imageDigest(target, info.Image) };
    progress.setStep("describing the server");
    const description = await engine.describe(target);
    const plan = engine.plan(target, description);
    estimated = plan.files.reduce((s, f) => s + (f.estimatedBytes ?? 0), 0);
    await updateProgress(run.id, { bytesEstimated: estimated || null });
    writer = await ArtifactWriter.create(root, parts);
    let prepareDetails: Record<string, unknown> = {};
    if (engine.prepare) prepareDetails = await engine.prepare(target, plan, (e) => progress.setStep(e.step));
    const compression: Compression = defaultCompression();
    const files: ManifestFile[] = [];
    for (const [i, spec] of plan.files.entries()) {
      progress.startFile(`${spec.what} (${i + 1}/${plan.files.length})`, spec.estimatedBytes ?? 0);
      // A dump that sends nothing for STALL_MS (container stopped under it, a hung connection) is aborted, not waited on forever.
      const stall = new AbortController();
      let lastBytes = progress.bytes;
      let lastChange = Date.now();
      const watchdog = setInterval(() => {
        if (progress.bytes !== lastBytes) {
          lastBytes = progress.bytes;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > STALL_MS) stall.abort();
      }, 5_000);
      watchdog.unref();
      const running = await runCommand(target, spec.command, { signal: stall.signal }).catch((error: unknown) => {
        clearInterval(watchdog);
        throw error;
      });
      const [written] = await Promise.all([
        writer.writeFile(spec.file, running.stdout as Readable, {
          compression: spec.compress ? compression : "none",
          recipients: keys ? keys.recipients : null,
          onSourceBytes: (n) => progress.add(n),
        }),
        expectSuccess(target, spec.command, running.outcome).then((o) => {
          stderrTail = o.stderrTail || null;
        }),
      ])
        .catch((error: unknown) => {
          if (stall.signal.aborted) throw new Error(`${spec.what}: no data for ${STALL_MS / 60_000} minutes; the dump was stopped (is the container still running?)`);
          throw error;
        })
        .finally(() => clearInterval(watchdog));
      files.push({
        path: written.path,
        format: spec.format,
        bytes: written.bytes,
        sha256: written.sha256,
        sourceBytes: written.sourceBytes,
        compression: written.compression,
        encrypted: written.encrypted,
        what: spec.what,
        ...(spec.database !== undefined ? { database: spec.database } : {}),
        ...(spec.table !== undefined ? { table: spec.table } : {}),
        ...(spec.tableEngine !== undefined ? { tableEngine: spec.tableEngine } : {}),
        ...(spec.rows !== undefined ? { rows: spec.rows } : {}),
        command: displayCommand(spec.command) as CommandDisplay,
      });
    }
    progress.setStep("writing the manifest");
    const finished = new Date();
    const manifest: Manifest = {
      formatVersion: 1,
      id: run.backupId,
      runId: run.id,
      stack: target.stack,
      service: target.service,
      engine: target.kind,
      name: run.name,
      container,
      serverVersion: description.serverVersion,
      consoleVersion: OPSDECK_VERSION,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      requestedBy: req.requestedBy,
      compression: files.some((f) => f.compression !== "none") ? compression : "none",
      encryption: keys ? { format: "age", keyId: keyIdOf(keys.recipients[0]!), recipients: keys.recipients.map(keyIdOf) } : null,
      totals: { files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0), sourceBytes: files.reduce((s, f) => s + f.sourceBytes, 0) },
      counts: totals(description),
      databases: description.databases,
      details: { ...description.details, ...(Object.keys(prepareDetails).length ? { prepare: prepareDetails } : {}) },
      prepare: plan.prepare.map(displayCommand) as CommandDisplay[],
      files,
    };
    const { dir, manifestSha256 } = await writer.finalize(manifest);
    writer = null;
    await progress.stop();
    await finishRun(run.id, { status: "succeeded", totalBytes: manifest.totals.bytes, manifest, manifestSha256 });
    await auditResult(run, req, "succeeded", null, { bytes: manifest.totals.bytes, files: files.length, durationMs: manifest.durationMs, keyId: manifest.encryption?.keyId ?? null });
    log.info("Backup succeeded", { service: target.service, backupId: run.backupId, bytes: manifest.totals.bytes, ms: manifest.durationMs });
    if (req.afterSuccess) {
      await req.afterSuccess({ ...run, status: "succeeded" }, dir, manifest).catch((error: unknown) => log.error("After-backup step failed", { backupId: run.backupId, error }));
    }
    return { status: "succeeded", runId: run.id, backupId: run.backupId, dir, manifest };
  } catch (error) {
    await progress.stop();
    await writer?.discard().catch(() => undefined);
    const message = scrub(isAppError(error) ? error.userMessage : error instanceof Error ? error.message : String(error), target);
    if (error instanceof CommandFailedError) stderrTail = error.stderrTail;
    const tail = stderrTail ? scrub(stderrTail, target) : null;
    await finishRun(run.id, { status: "failed", error: message, stderrTail: tail }).catch((e: unknown) => log.error("Could not record a failed backup", { runId: run.id, error: e }));
    await auditResult(run, req, "failed", message, {});
    log.error("Backup failed", { service: target.service, backupId: run.backupId, error: message });
    await notifyBackupProblem({ event: "backup.failed", stack: target.stack, service: target.service, runId: run.id, backupId: run.backupId, error: message, at: new Date().toISOString() });
    return { status: "failed", runId: run.id, backupId: run.backupId, error: message, stderrTail: tail };
  }
}

async function auditResult(run: BackupRunRow, req: BackupRequest, outcome: "succeeded" | "failed", error: string | null, params: Record<string, unknown>): Promise<void> {
  const by = req.requestedBy;
  await appendAuditEvent({
    action: "backup.run.result",
    resourceType: "backup",
    resourceId: run.backupId,
    outcome,
    actor: by.kind === "user" ? { id: by.userId, email: by.email, role: null } : null,
    params: { runId: run.id, service: run.service, trigger: by.kind, ...(by.kind === "schedule" ? { scheduleId: by.scheduleId } : {}), ...params },
    error,
    correlationId: req.auditCorrelationId ?? undefined,
  }).catch((e: unknown) => log.error("Could not audit a backup result", { runId: run.id, error: e }));
}
