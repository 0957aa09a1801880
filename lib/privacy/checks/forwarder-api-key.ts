/**
 * Check 5: where events are forwarded to PostHog (the gateway pattern: the bridge sends events only when
 * POSTHOG_API_KEY is set), each configured container has POSTHOG_API_KEY set to a project key (`phc_`
 * prefix). Shown masked: the first 4 characters only.
 */
import { MASK } from "../../docker/mask-env";
import type { CheckOutcome } from "../types";
import type { CheckContext } from "./context";
import { serviceContainers } from "./containers";

export const FORWARDER_KEY_VARIABLE = "POSTHOG_API_KEY";

/** The first 4 characters and a mask; nothing for an empty value. */
export function maskKey(value: string | undefined): string | null {
  if (!value) return null;
  return `${value.slice(0, 4)}${MASK}`;
}

export async function checkForwarderApiKey(ctx: CheckContext): Promise<CheckOutcome> {
  const containers: Array<{ name: string; service: string; running: boolean; variable: string; set: boolean; projectKey: boolean; masked: string | null }> = [];
  const missing: string[] = [];
  for (const key of ctx.stack.forwarders ?? []) {
    const found = await serviceContainers(ctx, key);
    if (found.length === 0) missing.push(key);
    for (const c of found) {
      const value = c.env.get(FORWARDER_KEY_VARIABLE)?.trim();
      containers.push({ name: c.name, service: c.service, running: c.running, variable: FORWARDER_KEY_VARIABLE, set: !!value, projectKey: !!value && value.startsWith("phc_") && value.length > 8, masked: maskKey(value) });
    }
  }
  const evidence = { source: "docker-inspect", containers, servicesWithoutContainers: missing };
  const problems = containers.filter((c) => !c.projectKey).map((c) => `${c.name}: ${FORWARDER_KEY_VARIABLE} ${c.set ? `does not look like a project key (${c.masked}, expected phc_…)` : "is not set (events are not forwarded)"}`);
  if (problems.length > 0) return { status: "fail", summary: problems.join("; "), evidence };
  if (missing.length > 0) return { status: "error", summary: `No container found for ${missing.join(", ")}.`, evidence };
  return { status: "pass", summary: `${containers.length} forwarder${containers.length === 1 ? "" : "s"} with a project key (${containers.map((c) => c.masked).join(", ")}).`, evidence };
}
