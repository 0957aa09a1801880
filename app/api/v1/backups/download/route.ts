/** GET /api/v1/backups/download?id=&file= — one file of a backup, streamed; admin only, audited (backup.download). See lib/backups/download-response.ts. */
import type { NextRequest } from "next/server";
import { requestContext } from "@/lib/actions/request-context";
import { backupDownloadResponse } from "@/lib/backups/download-response";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  return backupDownloadResponse(await requestContext(), request.nextUrl.searchParams);
}
