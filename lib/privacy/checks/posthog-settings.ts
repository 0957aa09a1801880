/**
 * Checks 1 and 2 (PostHog API): the project setting "Discard client IP data" (`anonymize_ips`) is on,
 * and no GeoIP transformation is enabled — hog functions of type transformation whose template is
 * `template-geoip` or one of the legacy GeoIP plugins.
 */
import type { CheckOutcome } from "../types";
import { posthogFor, type CheckContext } from "./context";

export const GEOIP_TEMPLATE_IDS = ["template-geoip", "plugin-posthog-plugin-geoip", "plugin-plugin-advanced-geoip"] as const;

export async function checkAnonymizeIps(ctx: CheckContext): Promise<CheckOutcome> {
  const settings = await posthogFor(ctx).projectSettings(ctx.stack.posthog!.projectId);
  // Only these fields are kept: the response's api_token / secret_api_token never reach the evidence.
  const evidence = { source: "posthog-api", environmentId: settings.id, projectName: settings.name ?? null, anonymize_ips: settings.anonymize_ips };
  return settings.anonymize_ips
    ? { status: "pass", summary: "“Discard client IP data” is on (anonymize_ips: true).", evidence }
    : { status: "fail", summary: "“Discard client IP data” is off (anonymize_ips: false): PostHog stores client IP addresses.", evidence };
}

export async function checkGeoipDisabled(ctx: CheckContext): Promise<CheckOutcome> {
  const client = posthogFor(ctx);
  const settings = await client.projectSettings(ctx.stack.posthog!.projectId);
  const functions = await client.hogFunctions(settings.id, "transformation");
  const geoip = functions.filter((f) => f.templateId !== null && (GEOIP_TEMPLATE_IDS as readonly string[]).includes(f.templateId));
  const enabled = geoip.filter((f) => f.enabled);
  const evidence = {
    source: "posthog-api",
    environmentId: settings.id,
    transformations: functions.length,
    geoipTransformations: geoip.map((f) => ({ id: f.id, name: f.name ?? null, templateId: f.templateId, enabled: f.enabled })),
  };
  if (enabled.length > 0) {
    return { status: "fail", summary: `${enabled.length} GeoIP transformation${enabled.length === 1 ? " is" : "s are"} enabled (${enabled.map((f) => f.name ?? f.id).join(", ")}).`, evidence };
  }
  return { status: "pass", summary: `No GeoIP transformation is enabled (${functions.length} transformation${functions.length === 1 ? "" : "s"} checked${geoip.length ? `, ${geoip.length} GeoIP disabled` : ""}).`, evidence };
}
