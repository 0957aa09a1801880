/**
 * The backups' part of the dashboard's "Needs attention" (failed, interrupted or missed runs), read
 * from Postgres at most every 15 s however many browsers poll: the dashboard polls every few seconds
 * and must not turn each poll into database queries. A read that fails says so as a warning instead
 * of hiding the backups' state.
 */
import { backupHealth } from "../backups/backup-health";
import { log } from "../log/logger";
import type { StackConfig } from "../stack/config";
import type { AttentionItem } from "./payloads";

const TTL_MS = 15_000;
let cached: { at: number; config: StackConfig; items: AttentionItem[] } | null = null;
let pending: Promise<AttentionItem[]> | null = null;

export async function backupAttention(config: StackConfig, now: number = Date.now()): Promise<AttentionItem[]> {
  if (cached && cached.config === config && now - cached.at < TTL_MS) return cached.items;
  pending ??= backupHealth(config)
    .then((found) => found.map((i): AttentionItem => ({ ...i, href: "/backups" })))
    .catch((error: unknown): AttentionItem[] => {
      log.error("Dashboard: the backups' state could not be read", { error });
      return [{ level: "warn", subject: "Backups", text: "their state could not be read from the database; the server log says why", href: "/backups" }];
    })
    .then((items) => {
      cached = { at: Date.now(), config, items };
      return items;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** Forgets the cached state (after a backup action, so the next poll is current; tests). */
export function invalidateBackupAttention(): void {
  cached = null;
}
