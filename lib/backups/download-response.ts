/**
 * GET /api/v1/backups/download?id=<stack/service/folder>&file=<path in the backup> — one file of a
 * backup, streamed from disk (never buffered whole: invariant 6). Admin only and audited: the read
 * runs through backupDownloadAction (executeAction: permission, zod-validated id and file, audit
 * "started" before the file is opened). A crafted id or file (`..`, absolute, encoded, a file the
 * manifest does not list) is refused before anything is read.
 */
import { Readable } from "node:stream";
import type { ActionContext } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import { jsonError, NO_STORE } from "../dashboard/http";
import { AppError } from "../errors/app-error";
import { backupDownloadAction } from "./actions/download-backup";

/** A file name safe for a Content-Disposition header (ASCII fallback + RFC 5987 form). */
function disposition(fileName: string): string {
  const ascii = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function backupDownloadResponse(ctx: ActionContext, searchParams: URLSearchParams): Promise<Response> {
  const result = await executeAction(backupDownloadAction, ctx, { backupId: searchParams.get("id") ?? "", file: searchParams.get("file") ?? "" });
  if (!result.ok) return jsonError(new AppError(result.error.code, result.error.message));
  const file = result.data;
  const body = Readable.toWeb(file.open()) as ReadableStream<Uint8Array>;
  return new Response(body, {
    status: 200,
    headers: {
      ...NO_STORE,
      "content-type": file.contentType,
      "content-length": String(file.bytes),
      "content-disposition": disposition(file.fileName),
      "x-content-type-options": "nosniff",
      ...(file.sha256 ? { "x-checksum-sha256": file.sha256 } : {}),
    },
  });
}
