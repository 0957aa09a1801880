/**
 * Restore drill — the runbook's monthly "test backup restoration", without touching production:
 * the latest complete backup of a service (or a chosen one) is restored into a throwaway container
 * cloned from the service's container (same image, command, environment and read-only binds; fresh
 * anonymous volumes for everything it writes; no network, so it cannot reach or be reached by
 * anything), the counts are verified against the manifest, and the container and its volumes are
 * removed whatever happened. The result is a `drill` row in restore_runs (steps, verification) and
 * a `restore.drill.result` audit row.
 */
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { backupRoot } from "../backups/backup-paths";
import type { BackupTarget } from "../backups/engines/types";
import { listBackupsOnDisk } from "../backups/list-backups";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { ensureRunning } from "./container-control";
import { runRestore, type RestoreOutcome, type RestoreRequest } from "./execute-restore";
import { describeTarget } from "./preflight";
import { annotateReport, type RestoreRunRow } from "./restore-runs";

export const DRILL_LABEL = "dev.opsdeck.restore-drill";

export type DrillResult = RestoreOutcome & { run: RestoreRunRow | null; backupId: string; container: { name: string; removed: boolean } };

/** The newest complete backup of the service with a readable manifest. */
export async function latestBackupOf(stack: string, service: string, root: string): Promise<string> {
  const latest = (await listBackupsOnDisk({ stack, service, root })).find((b) => b.manifest !== null);
  if (!latest) throw new AppError("NOT_FOUND", `There is no complete backup of ${service} to drill with. Run a backup first.`);
  return latest.id;
}

/** Creates and starts the throwaway container; returns its id and name. */
export async function startThrowawayContainer(source: BackupTarget, runTag: string): Promise<{ id: string; name: string }> {
  const docker: Docker = source.docker;
  const info = await docker.getContainer(source.containerId).inspect();
  const name = `${info.Name.replace(/^\//, "").slice(0, 40)}-restore-drill-${runTag}`;
  const writable = new Set<string>((info.Mounts ?? []).filter((m) => m.RW).map((m) => m.Destination));
  const readOnlyBinds = (info.HostConfig.Binds ?? []).filter((b) => /(^|,)ro(,|$)/.test(b.split(":").slice(2).join(":")));
  const container = await docker.createContainer({
    name,
    Image: info.Image,
    Cmd: info.Config.Cmd ?? undefined,
    Entrypoint: info.Config.Entrypoint ?? undefined,
    Env: info.Config.Env ?? [],
    User: info.Config.User || undefined,
    WorkingDir: info.Config.WorkingDir || undefined,
    Healthcheck: info.Config.Healthcheck,
    Labels: { [DRILL_LABEL]: runTag },
    // Everything the service writes gets a fresh anonymous volume: the drill never sees production data.
    Volumes: Object.fromEntries([...writable].map((d) => [d, {}])),
    HostConfig: { NetworkMode: "none", Binds: readOnlyBinds, AutoRemove: false },
  });
  await container.start();
  return { id: container.id, name };
}

/** The last lines of a container's log (multiplexed stream headers stripped), secrets scrubbed by the caller's error path. */
async function logTail(docker: Docker, id: string): Promise<string> {
  try {
    const raw = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 15, follow: false })) as unknown as Buffer;
    const out: Buffer[] = [];
    for (let i = 0; i + 8 <= raw.length; ) {
      const size = raw.readUInt32BE(i + 4);
      out.push(raw.subarray(i + 8, i + 8 + size));
      i += 8 + size;
    }
    return Buffer.concat(out).toString("utf8").trim().split("\n").slice(-15).join(" | ").slice(-2000);
  } catch {
    return "(no log)";
  }
}

export async function removeThrowawayContainer(docker: Docker, id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return true;
    log.error("Could not remove a restore-drill container", { id, error });
    return false;
  }
}

export async function runRestoreDrill(args: {
  source: BackupTarget;
  backupId?: string | null;
  root?: string;
  requestedBy: RestoreRequest["requestedBy"];
  actor?: RestoreRequest["actor"];
  auditCorrelationId?: string | null;
  readyTimeoutMs?: number;
}): Promise<DrillResult> {
  const root = args.root ?? backupRoot();
  const backupId = args.backupId ?? (await latestBackupOf(args.source.stack, args.source.service, root));
  const tag = randomBytes(4).toString("hex");
  const throwaway = await startThrowawayContainer(args.source, tag);
  const target: BackupTarget = { ...args.source, containerId: throwaway.id };
  let outcome: (RestoreOutcome & { run: RestoreRunRow }) | null = null;
  let failure: unknown = null;
  try {
    await ensureRunning({ docker: target.docker, id: throwaway.id, name: throwaway.name }, () => describeTarget(target), args.readyTimeoutMs ?? 180_000).catch(async (error: unknown) => {
      throw new Error(`the throwaway container did not come up: ${error instanceof Error ? error.message : String(error)}; its log ends: ${await logTail(target.docker, throwaway.id)}`);
    });
    outcome = await runRestore({
      kind: "drill",
      restoreTarget: { target, dependents: [] },
      backupId,
      root,
      choices: { dropAndReplace: true },
      reason: "restore drill",
      requestedBy: args.requestedBy,
      actor: args.actor,
      auditCorrelationId: args.auditCorrelationId,
    });
  } catch (error) {
    failure = error;
  }
  // Removed whatever happened (a refused preflight, a failed restore, a container that never answered).
  const removed = await removeThrowawayContainer(target.docker, throwaway.id);
  if (failure) throw failure;
  await annotateReport(outcome!.runId, { throwawayContainer: { name: throwaway.name, removed } }).catch(() => undefined);
  return { ...outcome!, backupId, container: { name: throwaway.name, removed } };
}
