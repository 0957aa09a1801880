/**
 * GET /api/v1/containers/:id/logs?tail=&since=&filter=&stdout=&stderr=&follow=&format=sse|text
 * Server-sent events (or a text download) of a container's log; audited as logs.view. See lib/dashboard/logs-response.ts.
 */
import type { NextRequest } from "next/server";
import { requestContext } from "@/lib/actions/request-context";
import { logsResponse } from "@/lib/dashboard/logs-response";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return logsResponse(await requestContext(), (await params).id, request.nextUrl.searchParams, request.signal);
}
