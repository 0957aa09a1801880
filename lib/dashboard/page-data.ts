import "server-only";
/**
 * What the dashboard and container pages render on the server (their live parts then poll the
 * JSON API). The pages check the permission first (requirePermission); these only read.
 */
import type { Actor } from "../actions/action-context";
import { can } from "../auth/policy";
import { isContainerId } from "../docker/container-id";
import { healthBudgetMs } from "../docker/container-actions";
import type { EngineRow } from "../docker/dashboard-data";
import { inspectSummary, type InspectSummary } from "../docker/mask-env";
import { ensureMonitoring } from "../docker/monitor-instance";
import type { Thresholds } from "../docker/thresholds";
import { log } from "../log/logger";
import { StackConfigError } from "../stack/config";
import { confirmationWord } from "../docker/actions/control";
import { backupAttention } from "./backup-attention";
import { locateContainer } from "./locate";
import { buildContainerPayload, buildContainersPayload, buildHealthPayload, type ContainerPayload, type ContainersPayload, type HealthPayload } from "./payloads";
import { serviceConfigFor } from "./service-config";

export type DashboardData = { ok: true; containers: ContainersPayload; health: HealthPayload } | { ok: false; error: string };

function monitoringProblem(error: unknown): string {
  if (error instanceof StackConfigError) return `${error.file ?? "The stack config"} is not valid: ${error.problems.join("; ")}`;
  return "The container monitor could not start; the server log says why.";
}

export async function dashboardData(): Promise<DashboardData> {
  try {
    const m = await ensureMonitoring();
    return { ok: true, containers: buildContainersPayload(m), health: buildHealthPayload(m, new Date(), await backupAttention(m.config)) };
  } catch (error) {
    log.error("Dashboard: monitoring unavailable", { error });
    return { ok: false, error: monitoringProblem(error) };
  }
}

export type HistoryPoint = { t: number; cpu: number | null; mem: number; memMax: number; memPercent: number | null };

export type ContainerPageData = {
  engine: EngineRow | null;
  summary: InspectSummary;
  project: string | null;
  service: string | null;
  kind: string | null;
  stateful: boolean;
  /** What to type to confirm a restart or stop of a stateful service. */
  confirmWord: string;
  /** The compose service this container belongs to, for "Restart service" (null: not part of a compose service). */
  serviceTarget: { engineId: string; project: string; service: string; containers: number } | null;
  /** The monitor's live row (null until the next listing includes it). */
  live: ContainerPayload | null;
  history: { from: number; to: number; points: HistoryPoint[]; stored: boolean };
  /** How long the UI follows a restart before calling it not healthy. */
  healthBudgetMs: number;
  thresholds: Thresholds;
  canControl: boolean;
  canViewLogs: boolean;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Null for an invalid or unknown id (the page shows 404). */
export async function containerPageData(rawId: string, actor: Actor): Promise<ContainerPageData | null> {
  if (!isContainerId(rawId)) return null;
  const m = await ensureMonitoring();
  const located = await locateContainer(m, rawId);
  if (!located) return null;
  let info;
  try {
    info = await m.registry.get(located.engineId).docker.getContainer(located.id).inspect();
  } catch {
    return null;
  }
  const summary = inspectSummary(info);
  const project = summary.labels["com.docker.compose.project"] ?? null;
  const service = summary.labels["com.docker.compose.service"] ?? null;
  const svc = serviceConfigFor(m.config, project, service);
  const to = Date.now();
  const from = to - DAY_MS;
  let points: HistoryPoint[] = [];
  if (m.store) {
    try {
      const rows = await m.store.read(located.engineId, located.id, new Date(from));
      points = rows.map((r) => ({ t: r.minute.getTime(), cpu: r.cpuPercent, mem: r.memUsedBytes, memMax: r.memMaxBytes, memPercent: r.memPercent }));
    } catch (error) {
      log.warn("Container page: reading stored samples failed", { error });
    }
  }
  const live = buildContainerPayload(m, located.id);
  const snapshot = m.monitor.snapshot();
  const serviceContainers =
    snapshot.stacks.find((st) => st.engineId === located.engineId && st.project === project)?.services.find((sv) => sv.service === service)?.containers.length ?? 1;
  return {
    engine: snapshot.engines.find((e) => e.id === located.engineId) ?? null,
    summary,
    project,
    service,
    kind: svc?.kind ?? null,
    stateful: svc?.stateful ?? false,
    confirmWord: confirmationWord({ service, name: summary.name }),
    serviceTarget: project && service ? { engineId: located.engineId, project, service, containers: Math.max(1, serviceContainers) } : null,
    live,
    history: { from, to, points, stored: m.store !== null },
    healthBudgetMs: healthBudgetMs(info.Config.Healthcheck),
    thresholds: m.monitor.thresholds,
    canControl: can(actor.role, "containers.control"),
    canViewLogs: can(actor.role, "logs.view"),
  };
}
