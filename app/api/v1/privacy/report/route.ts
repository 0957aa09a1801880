/**
 * GET /api/v1/privacy/report?from=YYYY-MM-DD&to=YYYY-MM-DD — the privacy evidence report as a JSON
 * download (admin, auditor). Authorization, validation, the audit row and the signature live in
 * lib/privacy/report.ts (action privacy.report.export).
 */
import type { NextRequest } from "next/server";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { jsonError, NO_STORE } from "@/lib/dashboard/http";
import { AppError } from "@/lib/errors/app-error";
import { privacyReportAction } from "@/lib/privacy/report";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  const params = request.nextUrl.searchParams;
  const result = await executeAction(privacyReportAction, await requestContext(), { from: params.get("from") ?? undefined, to: params.get("to") ?? undefined });
  if (!result.ok) {
    if (result.error.code === "INVALID_INPUT") return Response.json({ error: result.error }, { status: 400, headers: NO_STORE });
    return jsonError(new AppError(result.error.code, result.error.message));
  }
  const report = result.data;
  return new Response(`${JSON.stringify(report, null, 2)}\n`, {
    status: 200,
    headers: {
      ...NO_STORE,
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="opsdeck-privacy-evidence-${report.range.from}_${report.range.to}.json"`,
      "x-content-type-options": "nosniff",
    },
  });
}
