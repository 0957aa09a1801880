"use server";

/** Thin wrappers: the actions themselves (permission, zod input, audit) are in lib/backups/actions. */
import { revalidatePath } from "next/cache";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import {
  backupDeleteAction,
  backupDryRunAction,
  backupRetentionApplyAction,
  backupRetentionUpdateAction,
  backupRunAction,
  backupScheduleCreateAction,
  backupScheduleDeleteAction,
  backupScheduleUpdateAction,
  backupVerifyAction,
} from "@/lib/backups/actions";

export async function runBackup(input: { service: string; name?: string }) {
  return executeAction(backupRunAction, await requestContext(), input);
}

export async function dryRunBackup(input: { service: string; name?: string; discover?: boolean }) {
  return executeAction(backupDryRunAction, await requestContext(), input);
}

export async function verifyBackup(input: { backupId: string }) {
  const result = await executeAction(backupVerifyAction, await requestContext(), input);
  // Trim to what the page shows (the per-file list stays in the database).
  return result.ok ? { ok: true as const, data: { ok: result.data.ok, summary: result.data.summary, at: result.data.finishedAt.toISOString() } } : result;
}

export async function deleteBackup(input: { backupId: string }) {
  const result = await executeAction(backupDeleteAction, await requestContext(), input);
  if (result.ok) revalidatePath("/backups");
  return result.ok ? { ok: true as const, data: null } : result;
}

export async function createSchedule(input: { stack: string; service: string; cron: string; tz?: string }) {
  const result = await executeAction(backupScheduleCreateAction, await requestContext(), input);
  if (result.ok) revalidatePath("/backups");
  return result.ok ? { ok: true as const, data: null } : result;
}

export async function setScheduleEnabled(input: { id: string; enabled: boolean }) {
  const result = await executeAction(backupScheduleUpdateAction, await requestContext(), input);
  if (result.ok) revalidatePath("/backups");
  return result.ok ? { ok: true as const, data: null } : result;
}

export async function deleteSchedule(input: { id: string }) {
  const result = await executeAction(backupScheduleDeleteAction, await requestContext(), input);
  if (result.ok) revalidatePath("/backups");
  return result.ok ? { ok: true as const, data: null } : result;
}

export async function updateRetention(input: { daily: number | string; weekly: number | string; monthly: number | string; minKeep: number | string }) {
  const result = await executeAction(backupRetentionUpdateAction, await requestContext(), input);
  if (result.ok) revalidatePath("/backups");
  return result;
}

export async function applyRetention(input: { stack: string; service: string }) {
  const result = await executeAction(backupRetentionApplyAction, await requestContext(), input);
  if (result.ok) revalidatePath("/backups");
  return result;
}
