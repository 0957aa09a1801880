/**
 * The dashboard's JSON API behind the route handlers (app/api/v1/…): authorization first, then the
 * monitor's memory. The route files only build the request context and call these.
 */
import type { ActionContext } from "../actions/action-context";
import { isContainerId } from "../docker/container-id";
import { ensureMonitoring, type MonitoringInstances } from "../docker/monitor-instance";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { StackConfigError } from "../stack/config";
import { authorizeApi } from "./api-auth";
import { jsonError, jsonOk, NO_STORE } from "./http";
import { locateContainer } from "./locate";
import { backupAttention } from "./backup-attention";
import { buildContainerPayload, buildContainersPayload, buildHealthPayload } from "./payloads";

/** The running monitor, or an error response saying why there is none (an invalid config file). */
export async function monitoringOrError(): Promise<MonitoringInstances | Response> {
  try {
    return await ensureMonitoring();
  } catch (error) {
    log.error("Container monitoring is not running", { error });
    const message =
      error instanceof StackConfigError
        ? `Monitoring is not running: ${error.file ?? "the stack config"} is not valid (${error.problems.join("; ")}).`
        : "Monitoring is not running; the server log says why.";
    return jsonError(new AppError("CONFIG_INVALID", message));
  }
}

/** How long one serialized containers payload is served again (every viewer polls every 3 s; nothing per user in it). */
export const CONTAINERS_CACHE_MS = 1_000;
const globalForCache = globalThis as unknown as { __opsdeckContainersJson?: Map<string, { m: MonitoringInstances; at: number; body: string }> };

/** The JSON of GET /api/v1/containers, built from the monitor's memory at most once a second. */
export function containersJson(m: MonitoringInstances, options: { sparklines?: boolean; now?: number } = {}): string {
  const sparklines = options.sparklines ?? true;
  const now = options.now ?? Date.now();
  const cache = (globalForCache.__opsdeckContainersJson ??= new Map());
  const key = sparklines ? "spark" : "plain";
  const hit = cache.get(key);
  if (hit && hit.m === m && now - hit.at >= 0 && now - hit.at < CONTAINERS_CACHE_MS) return hit.body;
  const body = JSON.stringify(buildContainersPayload(m, { sparklines, now: new Date(now) }));
  cache.set(key, { m, at: now, body });
  return body;
}

/** GET /api/v1/containers[?sparklines=0] */
export async function containersResponse(ctx: ActionContext, searchParams: URLSearchParams = new URLSearchParams()): Promise<Response> {
  const denied = await authorizeApi(ctx, "containers.view", "/api/v1/containers");
  if (denied) return denied;
  const m = await monitoringOrError();
  if (m instanceof Response) return m;
  const body = containersJson(m, { sparklines: searchParams.get("sparklines") !== "0" });
  return new Response(body, { status: 200, headers: { ...NO_STORE, "content-type": "application/json" } });
}

/** GET /api/v1/health */
export async function healthResponse(ctx: ActionContext): Promise<Response> {
  const denied = await authorizeApi(ctx, "health.view", "/api/v1/health");
  if (denied) return denied;
  const m = await monitoringOrError();
  if (m instanceof Response) return m;
  return jsonOk(buildHealthPayload(m, new Date(), await backupAttention(m.config)));
}

/** GET /api/v1/containers/:id */
export async function containerResponse(ctx: ActionContext, rawId: string): Promise<Response> {
  const denied = await authorizeApi(ctx, "containers.view", "/api/v1/containers/:id");
  if (denied) return denied;
  if (!isContainerId(rawId)) return jsonError(new AppError("INVALID_INPUT", "That is not a valid container id."));
  const m = await monitoringOrError();
  if (m instanceof Response) return m;
  const located = await locateContainer(m, rawId);
  if (!located) return jsonError(new AppError("NOT_FOUND", "No container with that id on the watched engines."));
  let payload = buildContainerPayload(m, located.id);
  if (!payload) {
    // Created since the last listing: list that engine now, once.
    await m.monitor.refresh(located.engineId);
    payload = buildContainerPayload(m, located.id);
  }
  return payload ? jsonOk(payload) : jsonError(new AppError("NOT_FOUND", "No container with that id on the watched engines."));
}
