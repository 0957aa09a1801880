/**
 * Finds a container by id (full or at least 12 hex digits, validated — never a name) among the
 * watched engines: first in the monitor's memory, then by asking each engine (a container created
 * since the last listing).
 */
import { parseContainerId } from "../docker/container-id";
import type { MonitoringInstances } from "../docker/monitor-instance";

export type LocatedContainer = { engineId: string; id: string };

export async function locateContainer(m: MonitoringInstances, rawId: unknown): Promise<LocatedContainer | null> {
  const id = parseContainerId(rawId);
  const matches: LocatedContainer[] = [];
  for (const stack of m.monitor.snapshot().stacks) {
    for (const svc of stack.services) {
      for (const c of svc.containers) {
        if (c.id === id) return { engineId: c.engineId, id: c.id };
        if (c.id.startsWith(id)) matches.push({ engineId: c.engineId, id: c.id });
      }
    }
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) return null; // ambiguous short id
  for (const engineId of m.registry.ids()) {
    try {
      const info = await m.registry.get(engineId).docker.getContainer(id).inspect();
      if (info.Id.startsWith(id)) return { engineId, id: info.Id };
    } catch {
      // not on this engine (404), or the engine does not answer
    }
  }
  return null;
}
