/** GET /metrics — Prometheus text format; bearer token from opsdeck.yaml's metrics.bearerTokenEnv (off without one). See lib/dashboard/metrics.ts. */
import { metricsResponse } from "@/lib/dashboard/metrics";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return metricsResponse(request.headers.get("authorization"));
}
