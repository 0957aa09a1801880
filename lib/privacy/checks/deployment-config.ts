/**
 * Check 4: the deployment configuration of the PostHog containers (docker inspect), as the PostHog
 * runbook asks: SECRET_KEY set, not a known default, at least 32 characters; SITE_URL https;
 * DISABLE_SECURE_SSL_REDIRECT not true. Findings name the variable and the rule — never the value.
 */
import type { CheckOutcome } from "../types";
import type { CheckContext } from "./context";
import { serviceContainers } from "./containers";

/** Placeholders from PostHog's sample compose files and docs, and common defaults. */
export const KNOWN_DEFAULT_SECRETS = new Set(
  [
    "<randomly generated secret key>",
    "<your secret key>",
    "secret",
    "secret_key",
    "secretkey",
    "changeme",
    "change-me",
    "change_me",
    "your-secret-key",
    "your_secret_key",
    "posthog",
    "password",
    "django-insecure",
  ].map((s) => s.toLowerCase()),
);

const TRUE_VALUES = new Set(["1", "true", "yes", "on", "t", "y"]);

export type Finding = { variable: string; ok: boolean; rule: string };

export function deploymentFindings(env: ReadonlyMap<string, string>): Finding[] {
  const secret = env.get("SECRET_KEY");
  const trimmed = secret?.trim() ?? "";
  const secretRule =
    secret === undefined || trimmed === ""
      ? "is not set"
      : KNOWN_DEFAULT_SECRETS.has(trimmed.toLowerCase()) || trimmed.toLowerCase().startsWith("django-insecure")
        ? "is a known default value"
        : trimmed.length < 32
          ? "is shorter than 32 characters"
          : null;
  const site = env.get("SITE_URL")?.trim();
  const siteRule = !site ? "is not set" : /^https:\/\//i.test(site) ? null : "is not an https URL";
  const redirect = env.get("DISABLE_SECURE_SSL_REDIRECT")?.trim().toLowerCase();
  const redirectRule = redirect !== undefined && TRUE_VALUES.has(redirect) ? "is true (HTTPS redirect disabled)" : null;
  return [
    { variable: "SECRET_KEY", ok: secretRule === null, rule: secretRule ?? "set, not a known default, at least 32 characters" },
    { variable: "SITE_URL", ok: siteRule === null, rule: siteRule ?? "https" },
    { variable: "DISABLE_SECURE_SSL_REDIRECT", ok: redirectRule === null, rule: redirectRule ?? (redirect === undefined ? "not set (secure redirect on)" : "not true") },
  ];
}

export async function checkDeploymentConfig(ctx: CheckContext): Promise<CheckOutcome> {
  const containers: Array<{ name: string; service: string; running: boolean; findings: Finding[] }> = [];
  const missing: string[] = [];
  for (const key of ctx.stack.deployment ?? []) {
    const found = await serviceContainers(ctx, key);
    if (found.length === 0) missing.push(key);
    for (const c of found) containers.push({ name: c.name, service: c.service, running: c.running, findings: deploymentFindings(c.env) });
  }
  const evidence = { source: "docker-inspect", containers, servicesWithoutContainers: missing };
  const problems = containers.flatMap((c) => c.findings.filter((f) => !f.ok).map((f) => `${c.name}: ${f.variable} ${f.rule}`));
  if (problems.length > 0) return { status: "fail", summary: problems.join("; "), evidence };
  if (missing.length > 0) return { status: "error", summary: `No container found for ${missing.join(", ")}.`, evidence };
  return { status: "pass", summary: `${containers.length} container${containers.length === 1 ? "" : "s"}: SECRET_KEY strong, SITE_URL https, secure SSL redirect on.`, evidence };
}
