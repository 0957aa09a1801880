/**
 * Runs the configured privacy checks of every stack (or the ones asked for), stores each result with its
 * evidence, marks a check that went from pass to fail (or error) as flipped and calls the notification
 * hook for it. A check that throws is stored as `error` with a one-line reason (no secret values: the
 * checks' messages name variables, never their values). Used by Run now (lib/privacy/actions.ts) and by
 * the daily job (lib/privacy/jobs.ts).
 */
import { randomUUID } from "node:crypto";
import type Docker from "dockerode";
import { rawEnv } from "../config/env";
import { EngineRegistry } from "../docker/engines";
import { log } from "../log/logger";
import { engineConfigs, loadStackConfig, type PrivacyStackConfig, type StackConfig } from "../stack/config";
import type { CheckContext, Env } from "./checks/context";
import { checkDeploymentConfig } from "./checks/deployment-config";
import { checkForwarderApiKey } from "./checks/forwarder-api-key";
import { checkAnonymizeIps, checkGeoipDisabled } from "./checks/posthog-settings";
import { checkRecentEvents } from "./checks/recent-events";
import { notifyPrivacyFlip, type PrivacyNotification } from "./notify";
import { insertCheckResult, type CheckResultRow } from "./store";
import type { CheckKey, CheckOutcome } from "./types";

const CHECKS: Record<CheckKey, (ctx: CheckContext) => Promise<CheckOutcome>> = {
  anonymize_ips: checkAnonymizeIps,
  geoip_disabled: checkGeoipDisabled,
  recent_events: checkRecentEvents,
  deployment_config: checkDeploymentConfig,
  forwarder_api_key: checkForwarderApiKey,
};

export const CHECK_TIMEOUT_MS = 90_000;

/** The checks a stack's config enables, in display order. */
export function configuredChecks(stack: PrivacyStackConfig): CheckKey[] {
  const keys: CheckKey[] = [];
  if (stack.posthog) keys.push("anonymize_ips", "geoip_disabled");
  if (stack.posthog || stack.clickhouse) keys.push("recent_events");
  if (stack.deployment) keys.push("deployment_config");
  if (stack.forwarders) keys.push("forwarder_api_key");
  return keys;
}

export type RunPrivacyOptions = {
  trigger: "user" | "schedule";
  requestedByEmail?: string | null;
  auditCorrelationId?: string | null;
  /** Only these stacks (keys of privacy.stacks); default all. */
  stacks?: readonly string[];
  config?: StackConfig;
  env?: Env;
  docker?: CheckContext["docker"];
  posthogClient?: CheckContext["posthogClient"];
  notify?: (n: PrivacyNotification) => Promise<boolean>;
};

export type PrivacyRunSummary = { runId: string; results: CheckResultRow[]; counts: { pass: number; fail: number; error: number }; flipped: number };

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the check did not finish within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

export async function runPrivacyChecks(options: RunPrivacyOptions): Promise<PrivacyRunSummary> {
  const config = options.config ?? (await loadStackConfig());
  const env = options.env ?? rawEnv();
  let registry: EngineRegistry | undefined;
  const docker =
    options.docker ??
    ((engineId: string | undefined): Docker => {
      registry ??= new EngineRegistry(engineConfigs(config, env));
      return registry.get(engineId ?? registry.ids()[0]!).docker;
    });
  const notify = options.notify ?? ((n: PrivacyNotification) => notifyPrivacyFlip(n));
  const stacks = Object.entries(config.privacy?.stacks ?? {}).filter(([key]) => !options.stacks || options.stacks.includes(key));
  const runId = randomUUID();
  const results: CheckResultRow[] = [];
  for (const [stackKey, stack] of stacks) {
    const ctx: CheckContext = { stackKey, stack, config, env, docker, posthogClient: options.posthogClient };
    for (const checkKey of configuredChecks(stack)) {
      const startedAt = new Date();
      const t0 = performance.now();
      let outcome: CheckOutcome;
      try {
        outcome = await withTimeout(CHECKS[checkKey](ctx), CHECK_TIMEOUT_MS);
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0]!.slice(0, 500) : String(error);
        outcome = { status: "error", summary: `Could not check: ${message}`, evidence: { error: message } };
      }
      const row = await insertCheckResult({
        runId,
        stack: stackKey,
        checkKey,
        status: outcome.status,
        summary: outcome.summary,
        evidence: outcome.evidence,
        trigger: options.trigger,
        requestedByEmail: options.requestedByEmail ?? null,
        auditCorrelationId: options.auditCorrelationId ?? null,
        startedAt,
        finishedAt: new Date(),
        durationMs: Math.round(performance.now() - t0),
      });
      results.push(row);
      if (row.flipped) {
        log.warn("Privacy check went from pass to " + row.status, { stack: stackKey, check: checkKey });
        await notify({ event: "privacy.check.failed", stack: stackKey, check: checkKey, status: row.status as "fail" | "error", previousStatus: "pass", summary: row.summary, runId, at: row.finishedAt.toISOString() }).catch(() => false);
      }
    }
  }
  const counts = { pass: 0, fail: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return { runId, results, counts, flipped: results.filter((r) => r.flipped).length };
}
