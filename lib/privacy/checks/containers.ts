/**
 * The containers of a configured service (by compose labels: the service's `project` when set, and its
 * `service`, default the key), inspected for their environment. The values stay in this process: the
 * checks turn them into pass/fail findings naming the variable only.
 */
import type Docker from "dockerode";
import { PROJECT_LABEL, SERVICE_LABEL } from "../../docker/list-containers";
import type { CheckContext } from "./context";

export type InspectedContainer = { name: string; service: string; running: boolean; env: Map<string, string> };

export async function serviceContainers(ctx: CheckContext, serviceKey: string): Promise<InspectedContainer[]> {
  const service = ctx.config.services[serviceKey];
  if (!service) throw new Error(`no service "${serviceKey}" in services`);
  const docker: Docker = ctx.docker(service.engine);
  const labels = [`${SERVICE_LABEL}=${service.service ?? serviceKey}`, ...(service.project ? [`${PROJECT_LABEL}=${service.project}`] : [])];
  const listed = await docker.listContainers({ all: true, filters: { label: labels } });
  const out: InspectedContainer[] = [];
  for (const summary of listed) {
    const info = await docker.getContainer(summary.Id).inspect();
    const env = new Map<string, string>();
    for (const entry of info.Config.Env ?? []) {
      const eq = entry.indexOf("=");
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    out.push({ name: info.Name.replace(/^\//, ""), service: serviceKey, running: info.State.Running, env });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
