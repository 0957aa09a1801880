import "server-only";
/**
 * What the privacy page shows (every role with privacy.view): per configured stack, each configured
 * check with its latest result (status, when, summary, evidence) and its recent history for the
 * timeline, flips from pass marked. Only stored results: opening the page runs nothing.
 */
import { loadStackConfig, StackConfigError } from "../stack/config";
import { configuredChecks } from "./runner";
import { latestResults, recentHistory, type CheckResultRow } from "./store";
import { CHECK_TITLES, type CheckKey, type CheckStatus } from "./types";

export type ResultView = {
  id: string;
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  at: string;
  durationMs: number;
  trigger: "user" | "schedule";
  requestedByEmail: string | null;
  flipped: boolean;
  previousStatus: CheckStatus | null;
};

export type CheckView = { key: CheckKey; title: string; description: string; latest: ResultView | null; history: ResultView[] };
export type StackView = { key: string; name: string; lastRunAt: string | null; checks: CheckView[] };
export type PrivacyPageData = { ok: true; configFile: string | null; schedule: string | null; stacks: StackView[] } | { ok: false; error: string };

export const HISTORY_PER_CHECK = 30;

export function toView(r: CheckResultRow): ResultView {
  return {
    id: r.id,
    status: r.status,
    summary: r.summary,
    evidence: r.evidence,
    at: r.startedAt.toISOString(),
    durationMs: r.durationMs,
    trigger: r.trigger,
    requestedByEmail: r.requestedByEmail,
    flipped: r.flipped,
    previousStatus: r.previousStatus,
  };
}

export async function privacyPageData(): Promise<PrivacyPageData> {
  let config;
  try {
    config = await loadStackConfig();
  } catch (error) {
    return { ok: false, error: error instanceof StackConfigError ? error.message : "The stack config could not be read." };
  }
  const [latest, history] = await Promise.all([latestResults(), recentHistory(HISTORY_PER_CHECK)]);
  const stacks: StackView[] = Object.entries(config.privacy?.stacks ?? {}).map(([key, stack]) => {
    const checks = configuredChecks(stack).map((checkKey): CheckView => {
      const last = latest.find((r) => r.stack === key && r.checkKey === checkKey);
      return {
        key: checkKey,
        ...CHECK_TITLES[checkKey],
        latest: last ? toView(last) : null,
        history: history.filter((r) => r.stack === key && r.checkKey === checkKey).map(toView),
      };
    });
    const times = checks.map((c) => c.latest?.at).filter((t): t is string => !!t).sort();
    return { key, name: stack.name ?? key, lastRunAt: times.at(-1) ?? null, checks };
  });
  return { ok: true, configFile: config.file, schedule: config.privacy?.schedule ?? null, stacks };
}
