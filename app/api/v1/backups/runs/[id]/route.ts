/** GET /api/v1/backups/runs/:id — one backup run's status and progress (bytes, rate, percent). Session + backups.view. */
import { requestContext } from "@/lib/actions/request-context";
import { backupRunResponse } from "@/lib/backups/backups-page-data";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return backupRunResponse(await requestContext(), (await params).id);
}
