/** The services of the stack config a guided restore can go into (Postgres, ClickHouse, Redis), with their dependents. */
import { backupServices } from "../backups/backup-target";
import { loadStackConfig, type StackConfig } from "../stack/config";
import { RESTORABLE_ENGINES } from "./preflight";

export type RestorableService = { key: string; engine: string; dependents: string[] };

export async function restorableServices(config?: StackConfig): Promise<RestorableService[]> {
  const cfg = config ?? (await loadStackConfig());
  return backupServices(cfg)
    .filter((s) => (RESTORABLE_ENGINES as readonly string[]).includes(s.kind))
    .map((s) => ({ key: s.key, engine: s.kind, dependents: s.service.dependents }));
}

