/** GET /api/v1/health — the stack's health (containers summary, engines, probes, disk, what needs attention). Session + health.view. */
import { requestContext } from "@/lib/actions/request-context";
import { healthResponse } from "@/lib/dashboard/api";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return healthResponse(await requestContext());
}
