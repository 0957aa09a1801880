/** The services of the stack config a guided restore can go into (Postgres, ClickHouse, Redis, volumes), with their dependents and whether a drill can run for them. */
import { backupServices } from "../backups/backup-target";
import { loadStackConfig, type StackConfig } from "../stack/config";
import { DRILL_ENGINES, RESTORABLE_ENGINES } from "./preflight";

export type RestorableService = { key: string; engine: string; dependents: string[]; drill: boolean };

export async function restorableServices(config?: StackConfig): Promise<RestorableService[]> {
  const cfg = config ?? (await loadStackConfig());
  return backupServices(cfg)
    .filter((s) => (RESTORABLE_ENGINES as readonly string[]).includes(s.kind))
    .map((s) => ({ key: s.key, engine: s.kind, dependents: s.service.dependents, drill: (DRILL_ENGINES as readonly string[]).includes(s.kind) }));
}

