/** GET /api/v1/containers[?sparklines=0] — every container grouped by engine, stack and service, with 15-minute sparklines. Session + containers.view. */
import type { NextRequest } from "next/server";
import { requestContext } from "@/lib/actions/request-context";
import { containersResponse } from "@/lib/dashboard/api";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  return containersResponse(await requestContext(), request.nextUrl.searchParams);
}
