/**
 * What opsdeck.yaml says about a compose service the dashboard found: its kind (postgres,
 * clickhouse, redis…) and whether it holds state (restarts and stops then ask for the service name
 * typed as confirmation). A service matches a `services.<key>` entry by `service` (default: the
 * key) and, when the entry names one, by project.
 */
import type { StackConfig } from "../stack/config";

export type ServiceInfo = { key: string; kind: string; stateful: boolean };

export function serviceConfigFor(config: Pick<StackConfig, "services">, project: string | null, service: string | null): ServiceInfo | null {
  if (!service) return null;
  for (const [key, entry] of Object.entries(config.services)) {
    if ((entry.service ?? key) !== service) continue;
    if (entry.project && entry.project !== project) continue;
    return { key, kind: entry.kind, stateful: entry.stateful };
  }
  return null;
}
