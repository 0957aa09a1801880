/**
 * POST /api/v1/backups/runs {"service": "db", "name": "pre-upgrade-1.43.0"} — Run now for scripts
 * (an upgrade script takes its named backup first) and anything else that is not the page. The same
 * action as the page's button (backupRunAction through executeAction: session, backups.run,
 * zod input, audit; a denied caller gets 403 and a `denied` audit row). Answers 202 with the run to
 * poll at GET /api/v1/backups/runs/:id.
 *
 * Cookie-authenticated POSTs must not be forgeable from another site: only a JSON body is accepted
 * (a cross-site form cannot send one, and a cross-site fetch of one needs a CORS preflight this
 * server never grants), and a request whose Origin is another host is refused.
 */
import type { ActionContext } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import { jsonError, NO_STORE } from "../dashboard/http";
import { AppError } from "../errors/app-error";
import { backupRunAction } from "./actions/run-backup";

export async function backupRunRequestResponse(ctx: ActionContext, request: Request): Promise<Response> {
  const origin = request.headers.get("origin");
  if (origin) {
    let sameHost = false;
    try {
      sameHost = new URL(origin).host === request.headers.get("host");
    } catch {
      sameHost = false;
    }
    if (!sameHost) return jsonError(new AppError("FORBIDDEN", "Cross-site requests are refused."));
  }
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return jsonError(new AppError("INVALID_INPUT", 'Send a JSON body, e.g. {"service": "db", "name": "pre-upgrade-1.43.0"}, with Content-Type: application/json.'));
  }
  const body: unknown = await request.json().catch(() => undefined);
  const result = await executeAction(backupRunAction, ctx, body ?? {});
  if (!result.ok) {
    const fields = result.error.fieldErrors ? Object.entries(result.error.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`) : [];
    return jsonError(new AppError(result.error.code, [result.error.message, ...fields].join(" ")));
  }
  return Response.json(result.data, { status: 202, headers: NO_STORE });
}
