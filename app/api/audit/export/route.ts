/**
 * Audit export download: GET /api/audit/export?format=csv|ndjson&action=…&resource=…&actor=…&outcome=…&from=…&to=…&q=…
 * Authorization, validation, auditing and streaming live in lib/audit/export-response.ts.
 */
import type { NextRequest } from "next/server";
import { requestContext } from "@/lib/actions/request-context";
import { auditExportResponse } from "@/lib/audit/export-response";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  return auditExportResponse(await requestContext(), request.nextUrl.searchParams);
}
