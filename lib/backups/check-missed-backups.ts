/**
 * Missed scheduled backups, notified (the dashboard only shows them): run every 5 minutes by the
 * `backup-missed-check` job (backup-jobs.ts). Which slots are missed is decided by missed-slots.ts,
 * the rule the dashboard (backup-health.ts) uses too. Each missed slot POSTs `backup.missed` to
 * BACKUP_WEBHOOK_URL and writes the audit row `backup.missed` once: whoever inserts its
 * backup_missed_notices row (stack, service, slot) first — another replica, an earlier pass, a console
 * before a restart — sends it, nobody else.
 */
import { appendAuditEvent } from "../audit/append-audit-event";
import { pool } from "../db/pool";
import { log } from "../log/logger";
import { loadStackConfig, type StackConfig } from "../stack/config";
import { listSchedules } from "./backup-schedules";
import { backupServices } from "./backup-target";
import { findJudgedSlots, MISSED_LOOKBACK_MS } from "./missed-slots";
import { notifyBackupProblem } from "./notify-failure";

export type MissedSlot = { scheduleId: string; stack: string; service: string; cron: string; tz: string; slot: Date; error: string; webhookDelivered: boolean };

/** "02:00 UTC slot on 2026-11-25", in the schedule's time zone. */
function slotLabel(slot: Date, tz: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(slot);
  } catch {
    return `${slot.toISOString()} slot`;
  }
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? "";
  return `${p("hour")}:${p("minute")} ${tz} slot on ${p("year")}-${p("month")}-${p("day")}`;
}

/**
 * Finds the missed slots, and notifies (webhook + audit) those no one has notified yet. Returns what
 * this call notified. `config` defaults to opsdeck.yaml, `webhookUrl` to BACKUP_WEBHOOK_URL.
 */
export async function checkMissedBackups(options: { now?: Date; config?: StackConfig; webhookUrl?: string } = {}): Promise<MissedSlot[]> {
  const now = options.now ?? new Date();
  const config = options.config ?? (await loadStackConfig());
  const keys = new Set(backupServices(config).map((s) => s.key));
  const schedules = (await listSchedules()).filter((s) => s.enabled && keys.has(s.service));
  const notified: MissedSlot[] = [];
  for (const s of schedules) {
    const fresh: { slot: Date; error: string }[] = [];
    for (const { slot } of (await findJudgedSlots(s, now)).filter((j) => j.missed)) {
      const { rowCount } = await pool().query(`insert into backup_missed_notices (stack, service, slot) values ($1, $2, $3) on conflict do nothing`, [s.stack, s.service, slot]);
      if (rowCount !== 1) continue; // already notified (an earlier pass, another replica)
      const error = `no backup started for the ${slotLabel(slot, s.tz)}`;
      const at = slot.toISOString();
      // Every missed slot is its own audit row …
      await appendAuditEvent({
        action: "backup.missed",
        resourceType: "backup",
        resourceId: `${s.stack}/${s.service}`,
        outcome: "failed",
        actor: null,
        params: { scheduleId: s.id, cron: s.cron, tz: s.tz, slot: at, trigger: "schedule" },
        error,
      }).catch((e: unknown) => log.error("Could not audit a missed backup", { stack: s.stack, service: s.service, slot: at, error: e }));
      fresh.push({ slot, error });
    }
    if (fresh.length === 0) continue;
    // … but the webhook gets one message per schedule per pass: after a long outage a 5-minute schedule must
    // not page someone 288 times. The message names the latest slot and how many were missed.
    const latest = fresh[fresh.length - 1]!;
    const error = fresh.length === 1 ? latest.error : `${latest.error} (${fresh.length} slots missed since ${slotLabel(fresh[0]!.slot, s.tz)})`;
    const event = { event: "backup.missed" as const, stack: s.stack, service: s.service, cron: s.cron, error, at: latest.slot.toISOString(), missedSlots: fresh.length };
    const webhookDelivered = await notifyBackupProblem(event, options.webhookUrl); // undefined: BACKUP_WEBHOOK_URL
    log.warn("A scheduled backup was missed", { stack: s.stack, service: s.service, slot: event.at, missedSlots: fresh.length, cron: s.cron, webhookDelivered });
    for (const f of fresh) notified.push({ scheduleId: s.id, stack: s.stack, service: s.service, cron: s.cron, tz: s.tz, slot: f.slot, error: f.error, webhookDelivered });
  }
  // Notices older than any slot a pass still looks at are no longer needed for deduplication.
  await pool().query(`delete from backup_missed_notices where slot < $1`, [new Date(now.getTime() - 2 * MISSED_LOOKBACK_MS)]);
  return notified;
}
