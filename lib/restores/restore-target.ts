/**
 * What a restore acts on: the service's container (as a backup target: engine, credentials, port) and
 * its dependents from the stack config (`services.<key>.dependents`), each resolved to its containers
 * by compose labels, which are stopped during the restore so nothing writes meanwhile.
 */
import type Docker from "dockerode";
import { configuredTarget } from "../backups/backup-jobs";
import type { BackupTarget } from "../backups/engines/types";
import { EngineRegistry } from "../docker/engines";
import { PROJECT_LABEL, SERVICE_LABEL } from "../docker/list-containers";
import { AppError } from "../errors/app-error";
import { engineConfigs, loadStackConfig, type StackConfig } from "../stack/config";

export type DependentService = { service: string; docker: Docker; containers: Array<{ id: string; name: string; running: boolean }> };

export type RestoreTarget = { target: BackupTarget; dependents: DependentService[] };

/** The containers of a compose service (project + service labels), running or not. */
export async function composeContainers(docker: Docker, service: string, project?: string): Promise<DependentService["containers"]> {
  const labels = [`${SERVICE_LABEL}=${service}`, ...(project ? [`${PROJECT_LABEL}=${project}`] : [])];
  const all = await docker.listContainers({ all: true, filters: { label: labels } });
  return all.map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""), running: c.State === "running" }));
}

/**
 * The service of the stack config as a restore target, with its dependents. `startIfStopped`
 * (rollbacks): a service container that is not running — e.g. killed during the failed restore — is
 * started first, so the rollback can reach it.
 */
export async function resolveRestoreTarget(serviceKey: string, config?: StackConfig, options: { startIfStopped?: boolean } = {}): Promise<RestoreTarget> {
  const cfg = config ?? (await loadStackConfig());
  const service = cfg.services[serviceKey];
  if (!service) throw new AppError("NOT_FOUND", `There is no service "${serviceKey}" in the stack config.`);
  const registry = new EngineRegistry(engineConfigs(cfg));
  let target: BackupTarget;
  try {
    target = (await configuredTarget(serviceKey, cfg)).target;
  } catch (error) {
    if (!options.startIfStopped || !(error instanceof AppError) || error.code !== "CONFLICT" || service.kind === "volume") throw error;
    const docker = registry.get(service.engine ?? registry.ids()[0]!).streaming;
    const stopped = await composeContainers(docker, service.service ?? serviceKey, service.project);
    if (stopped.length === 0) throw error;
    await docker.getContainer(stopped[0]!.id).start().catch((e: unknown) => {
      if ((e as { statusCode?: number }).statusCode !== 304) throw e;
    });
    target = (await configuredTarget(serviceKey, cfg)).target;
  }
  const dependents: DependentService[] = [];
  for (const key of service.dependents) {
    const dep = cfg.services[key]!;
    const docker = registry.get(dep.engine ?? registry.ids()[0]!).streaming;
    dependents.push({ service: key, docker, containers: await composeContainers(docker, dep.service ?? key, dep.project ?? target.stack) });
  }
  return { target, dependents };
}
