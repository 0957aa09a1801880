/** GET /api/v1/containers/:id — one container's live row (state, health, restarts, stats, 15-minute series). Session + containers.view. */
import { requestContext } from "@/lib/actions/request-context";
import { containerResponse } from "@/lib/dashboard/api";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return containerResponse(await requestContext(), (await params).id);
}
