/** GET /api/v1/backups — each configured service's recent backup runs, with live progress of running ones. Session + backups.view. */
import { requestContext } from "@/lib/actions/request-context";
import { backupsHistoryResponse } from "@/lib/backups/backups-page-data";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return backupsHistoryResponse(await requestContext());
}
