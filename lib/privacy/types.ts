/**
 * The privacy checks (issue 7): each a small module in ./checks that reads one source and returns a
 * status, a one-line summary and evidence. Evidence is stored and shown to every role with privacy.view,
 * so it holds counts, variable names, masked key prefixes and sample event uuids — never an IP address,
 * a secret value or an API token (tests search for them).
 */
export const CHECK_KEYS = ["anonymize_ips", "geoip_disabled", "recent_events", "deployment_config", "forwarder_api_key"] as const;
export type CheckKey = (typeof CHECK_KEYS)[number];

export type CheckStatus = "pass" | "fail" | "error";

export type CheckOutcome = {
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
};

export const CHECK_TITLES: Record<CheckKey, { title: string; description: string }> = {
  anonymize_ips: { title: "Client IPs discarded", description: "PostHog project setting “Discard client IP data” (anonymize_ips) is on." },
  geoip_disabled: { title: "GeoIP off", description: "No GeoIP transformation (template-geoip or the legacy GeoIP plugins) is enabled." },
  recent_events: { title: "Recent events clean", description: "Events of the window carry no $ip and no $geoip_* properties." },
  deployment_config: { title: "Deployment configuration", description: "SECRET_KEY set, not a default, ≥ 32 characters; SITE_URL https; DISABLE_SECURE_SSL_REDIRECT not true." },
  forwarder_api_key: { title: "Forwarder API key", description: "Services that forward events have POSTHOG_API_KEY set to a project key (phc_…)." },
};

export function isCheckKey(value: unknown): value is CheckKey {
  return typeof value === "string" && (CHECK_KEYS as readonly string[]).includes(value);
}
