/**
 * GET /api/audit/export?format=csv|ndjson&<filter>: the export as an HTTP response, audited.
 *
 * The whole export runs inside performAction (action `audit.export`, permission `audit.export`,
 * params = format + filter): the "started" row is committed before the first byte leaves, and the
 * outcome row is written when the stream has ended — "succeeded" once every row was handed over,
 * "failed" if the download was cancelled or the database failed half-way. Backpressure: the next
 * batch is read only when the client has taken the previous one (constant memory).
 */
import { z } from "zod";
import type { ActionContext } from "../actions/action-context";
import { performAction } from "../actions/perform-action";
import { can } from "../auth/policy";
import { AppError, toUserError } from "../errors/app-error";
import { log } from "../log/logger";
import { parseAuditFilter, type AuditFilter } from "./audit-filter";
import { auditExportChunks, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, exportFileName, type ExportFormat } from "./export-audit";

const formatSchema = z.enum(EXPORT_FORMATS, { message: 'format must be "csv" or "ndjson".' });

const STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, INVALID_INPUT: 400, AUDIT_UNAVAILABLE: 503 };

function jsonError(error: unknown, fieldErrors?: Record<string, string[] | undefined>): Response {
  const { code, message } = toUserError(error);
  return Response.json({ error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) } }, { status: STATUS[code] ?? 500, headers: { "cache-control": "no-store" } });
}

export async function auditExportResponse(ctx: ActionContext, searchParams: URLSearchParams, options: { batchSize?: number } = {}): Promise<Response> {
  const spec = (params: unknown) => ({ action: "audit.export", permission: "audit.export" as const, resource: { type: "audit" }, params });

  // Authorization before anything else: an anonymous or forbidden caller gets one "denied" row.
  if (!ctx.actor || !can(ctx.actor.role, "audit.export")) {
    try {
      await performAction(ctx, spec({ query: searchParams.toString().slice(0, 1000) }), async () => {
        throw new AppError("FORBIDDEN", "Denied."); // not reached: performAction denies first
      });
    } catch (error) {
      return jsonError(error);
    }
  }

  const format = formatSchema.safeParse(searchParams.get("format") ?? "csv");
  const filter = parseAuditFilter(searchParams);
  if (!format.success || !filter.success) {
    const fieldErrors = {
      ...(format.success ? {} : { format: format.error.issues.map((i) => i.message) }),
      ...(filter.success ? {} : z.flattenError(filter.error).fieldErrors),
    };
    return jsonError(new AppError("INVALID_INPUT", "The export request is not valid; fix the filter and try again."), fieldErrors);
  }
  return streamExport(ctx, format.data, filter.data, spec({ format: format.data, filter: filter.data }), options.batchSize);
}

async function streamExport(ctx: ActionContext, format: ExportFormat, filter: AuditFilter, spec: Parameters<typeof performAction>[1], batchSize?: number): Promise<Response> {
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, { highWaterMark: 1 }, { highWaterMark: 4 });
  let begin!: () => void;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const stats = { rows: 0 };

  const done = performAction(ctx, spec, async () => {
    begin();
    const writer = writable.getWriter();
    try {
      for await (const chunk of auditExportChunks(filter, format, stats, { batchSize })) {
        try {
          await writer.ready;
          await writer.write(encoder.encode(chunk));
        } catch (cause) {
          // The readable side was cancelled: the client went away (closed the tab, network drop).
          throw new Error(`The download was cancelled by the client after ${stats.rows} rows.`, { cause });
        }
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => undefined);
      throw error;
    }
    return stats.rows;
  });

  const first = await Promise.race([begun.then(() => null), done.then(() => null, (error: unknown) => ({ error }))]);
  if (first) return jsonError(first.error);

  done.then(
    (rows) => log.info("Audit export finished", { format, rows, requestId: ctx.requestId }),
    (error: unknown) => log.warn("Audit export ended early", { format, rows: stats.rows, requestId: ctx.requestId, error }),
  );
  return new Response(readable, {
    status: 200,
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${exportFileName(format)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
