import "server-only";
/**
 * What the Backups page and its JSON API show (read-only; callers check `backups.view`): the
 * back-up-able services of opsdeck.yaml, each with its history (from backup-history.ts), its
 * schedules with their next run, and — for admins — what the retention policy would delete now.
 * Only display fields leave here.
 */
import type { ActionContext } from "../actions/action-context";
import { can, type Role } from "../auth/policy";
import { authorizeApi } from "../dashboard/api-auth";
import { jsonError, jsonOk } from "../dashboard/http";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { loadStackConfig, StackConfigError, type StackConfig } from "../stack/config";
import { backupHistory, backupRunProgress, type BackupHistoryRow } from "./backup-history";
import { listSchedules, nextOccurrences } from "./backup-schedules";
import { backupServices } from "./backup-target";
import { getRetentionPolicy, previewRetention } from "./retention";
import type { RetentionPolicy } from "./retention-plan";

export const HISTORY_LIMIT = 30;

export type BackupServiceSummary = {
  key: string;
  kind: string;
  /** The compose project: from the config, else from the service's last run; null when neither says. */
  stack: string | null;
};

export type BackupScheduleView = { id: string; stack: string; service: string; cron: string; tz: string; enabled: boolean; nextRun: string | null; createdByEmail: string | null };

export type RetentionPreviewView = {
  stack: string;
  service: string;
  onDisk: number;
  keep: Array<{ id: string; reasons: string[] }>;
  wouldDelete: string[];
  paused: boolean;
  pausedReason: string | null;
};

export type BackupsHistoryPayload = { generatedAt: string; runs: Record<string, BackupHistoryRow[]> };

export type BackupsPageData =
  | {
      ok: true;
      configFile: string | null;
      services: BackupServiceSummary[];
      history: BackupsHistoryPayload;
      schedules: BackupScheduleView[];
      policy: RetentionPolicy | null;
      retention: Record<string, RetentionPreviewView | { error: string }>;
    }
  | { ok: false; error: string };

function servicesOf(config: StackConfig, runs: Record<string, BackupHistoryRow[]>): BackupServiceSummary[] {
  return backupServices(config).map(({ key, kind, service }) => ({ key, kind, stack: service.project ?? runs[key]?.[0]?.stack ?? null }));
}

async function historyOf(config: StackConfig): Promise<BackupsHistoryPayload> {
  const entries = await Promise.all(backupServices(config).map(async ({ key }) => [key, await backupHistory({ service: key, limit: HISTORY_LIMIT })] as const));
  return { generatedAt: new Date().toISOString(), runs: Object.fromEntries(entries) };
}

function configProblem(error: unknown): string {
  if (error instanceof StackConfigError) return `${error.file ?? "The stack config"} is not valid: ${error.problems.join("; ")}`;
  log.error("Could not read the stack config for the backups page", { error });
  return "The stack config could not be read; the server log says why.";
}

export async function backupsPageData(viewer: { role: Role }): Promise<BackupsPageData> {
  let config: StackConfig;
  try {
    config = await loadStackConfig();
  } catch (error) {
    return { ok: false, error: configProblem(error) };
  }
  const history = await historyOf(config);
  const services = servicesOf(config, history.runs);
  const keys = new Set(services.map((s) => s.key));
  const schedules = (await listSchedules())
    .filter((s) => keys.has(s.service))
    .map((s): BackupScheduleView => {
      let nextRun: string | null = null;
      try {
        nextRun = s.enabled ? nextOccurrences(s.cron, s.tz, 1)[0]!.toISOString() : null;
      } catch {
        nextRun = null;
      }
      return { id: s.id, stack: s.stack, service: s.service, cron: s.cron, tz: s.tz, enabled: s.enabled, nextRun, createdByEmail: s.createdByEmail };
    });
  const manage = can(viewer.role, "backups.manage");
  const policy = manage ? await getRetentionPolicy() : null;
  const retention: Record<string, RetentionPreviewView | { error: string }> = {};
  if (manage) {
    for (const s of services) {
      if (!s.stack) continue;
      try {
        const plan = await previewRetention(s.stack, s.key, { policy: policy! });
        retention[s.key] = { stack: s.stack, service: s.key, onDisk: plan.keep.length + plan.wouldDelete.length, keep: plan.keep, wouldDelete: plan.wouldDelete, paused: plan.paused, pausedReason: plan.pausedReason };
      } catch (error) {
        retention[s.key] = { error: error instanceof AppError ? error.userMessage : error instanceof Error ? error.message : String(error) };
      }
    }
  }
  return { ok: true, configFile: config.file, services, history, schedules, policy, retention };
}

/** GET /api/v1/backups — every configured service's recent runs (polled by the page: live progress). */
export async function backupsHistoryResponse(ctx: ActionContext): Promise<Response> {
  const denied = await authorizeApi(ctx, "backups.view", "/api/v1/backups");
  if (denied) return denied;
  let config: StackConfig;
  try {
    config = await loadStackConfig();
  } catch (error) {
    return jsonError(new AppError("CONFIG_INVALID", configProblem(error)));
  }
  return jsonOk(await historyOf(config));
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/v1/backups/runs/:id — one run's state and progress. */
export async function backupRunResponse(ctx: ActionContext, runId: string): Promise<Response> {
  const denied = await authorizeApi(ctx, "backups.view", "/api/v1/backups/runs/:id");
  if (denied) return denied;
  if (!RUN_ID.test(runId)) return jsonError(new AppError("INVALID_INPUT", "That is not a valid run id."));
  const run = await backupRunProgress(runId);
  return run ? jsonOk(run) : jsonError(new AppError("NOT_FOUND", "No backup run with that id."));
}
