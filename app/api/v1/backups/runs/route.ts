/** POST /api/v1/backups/runs {service, name?} — start a backup (operator, admin; audited). See lib/backups/run-request.ts. */
import { requestContext } from "@/lib/actions/request-context";
import { backupRunRequestResponse } from "@/lib/backups/run-request";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return backupRunRequestResponse(await requestContext(), request);
}
