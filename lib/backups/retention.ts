/**
 * Applies the retention policy to one service (or previews it): the backups on disk, their latest
 * verification and the service's recent runs feed planRetention; each deletion removes the local
 * folder and the remote copy and is audited (action backup.delete, reason retention). The policy is a
 * console setting (`backups.retention`), default 7 daily / 4 weekly / 12 monthly, at least 3 kept.
 */
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event";
import { pool } from "../db/pool";
import { log } from "../log/logger";
import { backupRoot } from "./backup-paths";
import { listRuns } from "./backup-runs";
import { deleteBackup } from "./delete-backup";
import { listBackupsOnDisk } from "./list-backups";
import { DEFAULT_RETENTION, planRetention, type RetentionPlan, type RetentionPolicy } from "./retention-plan";
import type { RemoteStore } from "./stores/types";
import { latestVerifications } from "./verify-backup";

export const RETENTION_SETTING = "backups.retention";

export const retentionPolicySchema = z.object({
  daily: z.coerce.number().int().min(0).max(366),
  weekly: z.coerce.number().int().min(0).max(520),
  monthly: z.coerce.number().int().min(0).max(600),
  minKeep: z.coerce.number().int().min(1, "At least one good backup is always kept.").max(1000),
});

export async function getRetentionPolicy(): Promise<RetentionPolicy> {
  const { rows } = await pool().query<{ value: unknown }>(`select value from settings where key = $1`, [RETENTION_SETTING]);
  const parsed = retentionPolicySchema.safeParse(rows[0]?.value);
  return parsed.success ? parsed.data : DEFAULT_RETENTION;
}

export async function setRetentionPolicy(policy: RetentionPolicy): Promise<RetentionPolicy> {
  const value = retentionPolicySchema.parse(policy);
  await pool().query(
    `insert into settings (key, value, updated_at) values ($1, $2::jsonb, now()) on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [RETENTION_SETTING, JSON.stringify(value)],
  );
  return value;
}

export async function previewRetention(stack: string, service: string, options: { root?: string; policy?: RetentionPolicy } = {}): Promise<RetentionPlan & { policy: RetentionPolicy }> {
  const policy = options.policy ?? (await getRetentionPolicy());
  const onDisk = await listBackupsOnDisk({ stack, service, root: options.root ?? backupRoot() });
  const verified = await latestVerifications(onDisk.map((b) => b.id));
  const runs = await listRuns({ stack, service, limit: 20 });
  const plan = planRetention(
    onDisk.map((b) => ({ id: b.id, startedAt: b.startedAt, name: b.name, good: b.manifest !== null && verified.get(b.id)?.ok !== false })),
    runs.map((r) => ({ status: r.status, at: r.createdAt })),
    policy,
  );
  return { ...plan, policy };
}

export async function applyRetention(stack: string, service: string, options: { root?: string; policy?: RetentionPolicy; store?: RemoteStore | null } = {}): Promise<RetentionPlan & { deleted: string[] }> {
  const plan = await previewRetention(stack, service, options);
  const deleted: string[] = [];
  if (plan.paused) log.warn("Backup retention paused", { stack, service, reason: plan.pausedReason, wouldDelete: plan.wouldDelete.length });
  for (const id of plan.delete) {
    const started = await appendAuditEvent({ action: "backup.delete", resourceType: "backup", resourceId: id, outcome: "started", actor: null, params: { reason: "retention", policy: plan.policy } });
    try {
      await deleteBackup(id, { reason: "retention", root: options.root, store: options.store });
      deleted.push(id);
      await appendAuditEvent({ action: "backup.delete", resourceType: "backup", resourceId: id, outcome: "succeeded", actor: null, params: { reason: "retention" }, correlationId: started.correlationId });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await appendAuditEvent({ action: "backup.delete", resourceType: "backup", resourceId: id, outcome: "failed", actor: null, params: { reason: "retention" }, error: message, correlationId: started.correlationId });
      log.error("Retention could not delete a backup", { id, error: message });
    }
  }
  return { ...plan, deleted };
}
