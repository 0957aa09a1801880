/**
 * The privacy runner end to end below the UI: checks 1–2 against the PostHog API stand-in (a local HTTP
 * server implementing the documented endpoints and shapes — no PostHog server can run here; see
 * lib/privacy/testing/posthog-standin.ts), checks 4–5 against small fixture containers of our own with
 * good and bad environments (startFixtureStack on the real Docker engine), results stored in Postgres,
 * a pass → fail flip marked and sent to the webhook, Run now through executeAction (audited), and no
 * secret value in stored evidence, summaries or audit rows (searched for).
 */
import http from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDockerEngine, type DockerEngine } from "@/e2e/fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "@/e2e/fixtures/docker/fixture-stack";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import { parseStackConfig } from "../stack/config";
import { privacyRunAction } from "./actions";
import { deploymentFindings } from "./checks/deployment-config";
import type { PrivacyNotification } from "./notify";
import { runScheduledPrivacyChecks } from "./jobs";
import { privacyReportAction, signReport } from "./report";
import { configuredChecks, runPrivacyChecks } from "./runner";
import { latestResults, recentHistory, resultsBetween } from "./store";
import { startPosthogStandin, type PosthogStandin } from "./testing/posthog-standin";

const GOOD_SECRET = "good-secret-key-0123456789abcdef-0123456789";
const BAD_SECRET = "short-bad-secret-xyz";
const GOOD_FORWARD_KEY = "phc_goodProjectKey0123456789abcdef";
const BAD_FORWARD_KEY = "sk_live_notAProjectKey_987654321";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let engine: DockerEngine;
let stack: FixtureStack | undefined;
let standin: PosthogStandin;
let dir: string;
let hook: http.Server;
let hookUrl: string;
const received: unknown[] = [];

const idle = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];

beforeAll(async () => {
  db = await useMigratedTestDatabase("privacy");
  engine = await ensureDockerEngine();
  stack = await startFixtureStack(engine.docker, {
    services: [
      { service: "web", cmd: idle, networkMode: "none", env: { SECRET_KEY: GOOD_SECRET, SITE_URL: "https://posthog.example.com", DISABLE_SECURE_SSL_REDIRECT: "false" } },
      { service: "gateway", cmd: idle, networkMode: "none", env: { POSTHOG_API_KEY: GOOD_FORWARD_KEY } },
      { service: "web-bad", cmd: idle, networkMode: "none", env: { SECRET_KEY: BAD_SECRET, SITE_URL: "http://posthog.example.com", DISABLE_SECURE_SSL_REDIRECT: "True" } },
      { service: "gateway-bad", cmd: idle, networkMode: "none", env: { POSTHOG_API_KEY: BAD_FORWARD_KEY } },
      { service: "gateway-unset", cmd: idle, networkMode: "none", env: {} },
    ],
  });
  standin = await startPosthogStandin({ state: { hogFunctions: [{ id: "g", name: "GeoIP", enabled: false, template_id: "template-geoip" }] } });
  hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  dir = await mkdtemp(path.join(tmpdir(), "opsdeck-privacy-"));
}, 180_000);

afterAll(async () => {
  await stack?.teardown().catch(() => undefined);
  await standin?.close();
  await new Promise((resolve) => hook?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
  await db?.cleanup();
});

function configText(): string {
  return [
    "services:",
    `  web: { kind: app, project: ${stack!.project} }`,
    `  gateway: { kind: app, project: ${stack!.project} }`,
    `  web-bad: { kind: app, project: ${stack!.project} }`,
    `  gateway-bad: { kind: app, project: ${stack!.project} }`,
    `  gateway-unset: { kind: app, project: ${stack!.project} }`,
    "privacy:",
    "  stacks:",
    "    posthog:",
    `      posthog: { url: '${standin.url}', apiKeyEnv: OPSDECK_TEST_PH_KEY, timeoutMs: 5000 }`,
    "      deployment: [web]",
    "      forwarders: [gateway]",
    "    legacy:",
    "      deployment: [web-bad]",
    "      forwarders: [gateway-bad, gateway-unset]",
  ].join("\n");
}

const env = () => ({ OPSDECK_TEST_PH_KEY: standin.state.apiKey });

describe("privacy runner", () => {
  it("deployment findings: default, short, http, redirect disabled — named, never valued", () => {
    const f = deploymentFindings(new Map([["SECRET_KEY", "<randomly generated secret key>"], ["SITE_URL", "https://x"], ["DISABLE_SECURE_SSL_REDIRECT", "0"]]));
    expect(f).toEqual([
      { variable: "SECRET_KEY", ok: false, rule: "is a known default value" },
      { variable: "SITE_URL", ok: true, rule: "https" },
      { variable: "DISABLE_SECURE_SSL_REDIRECT", ok: true, rule: "not true" },
    ]);
    expect(deploymentFindings(new Map()).map((x) => [x.variable, x.ok, x.rule])).toEqual([
      ["SECRET_KEY", false, "is not set"],
      ["SITE_URL", false, "is not set"],
      ["DISABLE_SECURE_SSL_REDIRECT", true, "not set (secure redirect on)"],
    ]);
  });

  it("runs every configured check of every stack, stores the results, and marks and notifies a pass → fail flip", async () => {
    const config = parseStackConfig(configText(), { env: {} });
    expect(configuredChecks(config.privacy!.stacks.posthog!)).toEqual(["anonymize_ips", "geoip_disabled", "recent_events", "deployment_config", "forwarder_api_key"]);
    const notifications: PrivacyNotification[] = [];
    const run = (notify = true) =>
      runPrivacyChecks({ trigger: "user", requestedByEmail: "op@example.com", config, env: env(), docker: () => engine.docker, notify: async (n) => { notifications.push(n); return notify; } });

    const first = await run();
    const byKey = (s: typeof first, stackKey: string) => Object.fromEntries(s.results.filter((r) => r.stack === stackKey).map((r) => [r.checkKey, r]));
    const ok = byKey(first, "posthog");
    expect(Object.fromEntries(Object.entries(ok).map(([k, r]) => [k, r.status]))).toEqual({ anonymize_ips: "pass", geoip_disabled: "pass", recent_events: "pass", deployment_config: "pass", forwarder_api_key: "pass" });
    expect(ok.forwarder_api_key!.summary).toBe("1 forwarder with a project key (phc_••••••).");
    const bad = byKey(first, "legacy");
    expect(bad.deployment_config).toMatchObject({ status: "fail" });
    expect(bad.deployment_config!.summary).toBe(`${stack!.project}-web-bad-1: SECRET_KEY is shorter than 32 characters; ${stack!.project}-web-bad-1: SITE_URL is not an https URL; ${stack!.project}-web-bad-1: DISABLE_SECURE_SSL_REDIRECT is true (HTTPS redirect disabled)`);
    expect(bad.forwarder_api_key!.summary).toBe(`${stack!.project}-gateway-bad-1: POSTHOG_API_KEY does not look like a project key (sk_l••••••, expected phc_…); ${stack!.project}-gateway-unset-1: POSTHOG_API_KEY is not set (events are not forwarded)`);
    expect(first.results.every((r) => !r.flipped && r.previousStatus === null)).toBe(true);
    expect(first.counts).toEqual({ pass: 5, fail: 2, error: 0 });

    // PostHog's setting is switched off: the check flips, and the hook hears about it.
    standin.state.anonymizeIps = false;
    const second = await run();
    const flipped = second.results.filter((r) => r.flipped);
    expect(flipped.map((r) => [r.stack, r.checkKey, r.previousStatus, r.status])).toEqual([["posthog", "anonymize_ips", "pass", "fail"]]);
    expect(notifications).toEqual([expect.objectContaining({ event: "privacy.check.failed", stack: "posthog", check: "anonymize_ips", status: "fail", previousStatus: "pass", runId: second.runId })]);
    // Still failing: no new flip.
    const third = await run();
    expect(third.flipped).toBe(0);
    standin.state.anonymizeIps = true;

    // The API stops answering to the key: an error that says so (and, from pass, a flip).
    standin.state.apiKey = "phx_rotated_key_0000000000";
    const fourth = await runPrivacyChecks({ trigger: "schedule", config, env: { OPSDECK_TEST_PH_KEY: "phx_old_key_1111111111" }, docker: () => engine.docker, stacks: ["posthog"], notify: async (n) => { notifications.push(n); return true; } });
    const geo = fourth.results.find((r) => r.checkKey === "geoip_disabled")!;
    expect(geo).toMatchObject({ status: "error", flipped: true, previousStatus: "pass" });
    expect(geo.summary).toMatch(/PostHog refused the API key in OPSDECK_TEST_PH_KEY \(401/);
    standin.state.apiKey = "phx_standin_personal_key_0123456789";

    const latest = await latestResults();
    expect(latest.find((r) => r.stack === "posthog" && r.checkKey === "geoip_disabled")?.status).toBe("error");
    const history = (await recentHistory(10)).filter((r) => r.stack === "posthog" && r.checkKey === "anonymize_ips");
    expect(history.map((r) => r.status)).toEqual(["pass", "fail", "fail", "error"]);
    expect((await resultsBetween(new Date(Date.now() - 3600_000), new Date(Date.now() + 1000))).length).toBe(second.results.length * 3 + fourth.results.length);
  });

  it("Run now is an audited action; the daily job audits its pass; no secret appears in results or audit rows", async () => {
    const file = path.join(dir, "opsdeck.yaml");
    await writeFile(file, configText());
    process.env.OPSDECK_CONFIG = file;
    process.env.OPSDECK_TEST_PH_KEY = standin.state.apiKey;
    process.env.PRIVACY_WEBHOOK_URL = hookUrl;
    try {
      const ctx: ActionContext = { actor: { userId: "00000000-0000-4000-8000-0000000000a1", email: "op@example.com", role: "operator", sessionId: "00000000-0000-4000-8000-0000000000a2", mfaAt: new Date() }, ip: "198.51.100.9", userAgent: "vitest", requestId: "privacy-run" };
      const result = await executeAction(privacyRunAction, ctx, { stack: "posthog" });
      expect(result).toMatchObject({ ok: true, data: { checks: 5, counts: { pass: 5, fail: 0, error: 0 } } });
      const rows = await superuserQuery<{ action: string; outcome: string; correlation_id: string }>(db.url, "select action, outcome, correlation_id from audit_events where action = 'privacy.run' order by seq");
      expect(rows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
      const stored = await superuserQuery<{ n: number }>(db.url, "select count(*)::int as n from privacy_check_results where audit_correlation_id = $1 and requested_by_email = 'op@example.com'", [rows[0]!.correlation_id]);
      expect(stored[0]!.n).toBe(5);
      const viewer = await executeAction(privacyRunAction, { ...ctx, actor: { ...ctx.actor!, role: "viewer" } }, {});
      expect(viewer).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      expect(await executeAction(privacyRunAction, ctx, { stack: "nope" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });

      // The daily job: the setting is off again → a flip, notified through the webhook.
      standin.state.anonymizeIps = false;
      const scheduled = await runScheduledPrivacyChecks();
      expect(scheduled?.flipped).toBeGreaterThanOrEqual(1);
      const jobRows = await superuserQuery<{ outcome: string; params: { fail?: number } | null }>(db.url, "select outcome, params from audit_events where action = 'privacy.run.scheduled' order by seq");
      expect(jobRows.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
      expect(received).toEqual(expect.arrayContaining([expect.objectContaining({ event: "privacy.check.failed", stack: "posthog", check: "anonymize_ips", text: expect.stringMatching(/went from pass to fail/) })]));
    } finally {
      delete process.env.OPSDECK_CONFIG;
      delete process.env.OPSDECK_TEST_PH_KEY;
      delete process.env.PRIVACY_WEBHOOK_URL;
      standin.state.anonymizeIps = true;
    }

    const everything = [
      ...(await superuserQuery<{ t: string }>(db.url, "select concat_ws(' ', summary, evidence::text, requested_by_email) as t from privacy_check_results")),
      ...(await superuserQuery<{ t: string }>(db.url, "select concat_ws(' ', params::text, error, resource_id) as t from audit_events")),
    ]
      .map((r) => r.t)
      .join("\n");
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of [GOOD_SECRET, BAD_SECRET, GOOD_FORWARD_KEY, BAD_FORWARD_KEY, standin.state.apiKey, standin.state.apiToken, standin.state.secretApiToken, "phx_old_key_1111111111"]) {
      expect(everything.includes(secret), `secret ${secret.slice(0, 6)}… in stored results or audit rows`).toBe(false);
    }
    expect(JSON.stringify(received)).not.toContain(GOOD_SECRET);
  });

  it("the evidence report (admin, auditor): every result of the range, signed with the hash of its own audit row, no secrets", async () => {
    const auditor: ActionContext = { actor: { userId: "00000000-0000-4000-8000-0000000000b1", email: "aud@example.com", role: "auditor", sessionId: "00000000-0000-4000-8000-0000000000b2", mfaAt: new Date() }, ip: null, userAgent: "vitest", requestId: "report" };
    const today = new Date().toISOString().slice(0, 10);
    const result = await executeAction(privacyReportAction, auditor, { from: today, to: today });
    if (!result.ok) throw new Error(result.error.message);
    const report = result.data;
    const stored = await superuserQuery<{ n: number }>(db.url, "select count(*)::int as n from privacy_check_results");
    expect(report.totals.results).toBe(stored[0]!.n);
    expect(report.totals.flips).toBeGreaterThanOrEqual(3);
    expect(report.generatedBy).toBe("aud@example.com");
    const row = await superuserQuery<{ seq: string; hash: string; action: string; outcome: string; actor_email: string }>(db.url, "select seq::text as seq, hash, action, outcome, actor_email from audit_events where correlation_id = $1 order by seq", [report.auditChain.correlationId]);
    expect(row[0]).toMatchObject({ seq: report.auditChain.seq, hash: report.auditChain.hash, action: "privacy.report.export", outcome: "started", actor_email: "aud@example.com" });
    expect(row.map((r) => r.outcome)).toEqual(["started", "succeeded"]);
    const { signature, ...body } = report;
    expect(signature.value).toBe(signReport(body));
    expect(signReport({ ...body, totals: { ...body.totals, fail: body.totals.fail + 1 } })).not.toBe(signature.value);
    const text = JSON.stringify(report);
    for (const secret of [GOOD_SECRET, BAD_SECRET, GOOD_FORWARD_KEY, BAD_FORWARD_KEY, standin.state.apiKey, standin.state.apiToken, standin.state.secretApiToken]) expect(text.includes(secret)).toBe(false);

    expect(await executeAction(privacyReportAction, { ...auditor, actor: { ...auditor.actor!, role: "operator" } }, {})).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await executeAction(privacyReportAction, auditor, { from: "2026-11-10", to: "2026-11-01" })).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", message: "The start date is after the end date." } });
    const empty = await executeAction(privacyReportAction, auditor, { from: "2020-01-01", to: "2020-01-31" });
    expect(empty).toMatchObject({ ok: true, data: { totals: { results: 0 }, range: { fromInclusive: "2020-01-01T00:00:00.000Z", toExclusive: "2020-02-01T00:00:00.000Z" } } });
  });
});
