/**
 * The notification hook for privacy checks: when a check flips from pass to fail (or to error: it can
 * no longer be verified), POST a small JSON summary to PRIVACY_WEBHOOK_URL, else to the backups'
 * BACKUP_WEBHOOK_URL (the same hook as lib/backups/notify-failure.ts, same payload style: `event`,
 * names, a `text` line for chat webhooks). Best effort, bounded by a timeout; no evidence values in it.
 */
import { rawEnv } from "../config/env";
import { log } from "../log/logger";

export type PrivacyNotification = {
  event: "privacy.check.failed";
  stack: string;
  check: string;
  status: "fail" | "error";
  previousStatus: "pass";
  summary: string;
  runId: string;
  at: string;
};

export function privacyWebhookUrl(env: Readonly<Record<string, string | undefined>> = rawEnv()): string | undefined {
  const url = env.PRIVACY_WEBHOOK_URL?.trim() || env.BACKUP_WEBHOOK_URL?.trim() || undefined;
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

export async function notifyPrivacyFlip(n: PrivacyNotification, url: string | undefined = privacyWebhookUrl()): Promise<boolean> {
  if (!url) return false;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "opsdeck-privacy" },
      body: JSON.stringify({ ...n, text: `Opsdeck: privacy check ${n.check} of ${n.stack} went from pass to ${n.status}: ${n.summary}` }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) log.warn("Privacy webhook answered with an error", { status: res.status });
    return res.ok;
  } catch (error) {
    log.warn("Privacy webhook could not be reached", { error });
    return false;
  }
}
