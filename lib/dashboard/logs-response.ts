/**
 * GET /api/v1/containers/:id/logs — a container's log, audited (`logs.view`: logs can hold
 * personal data). Query: tail (lines, default 200, or "all"), since (ISO time or 30s/15m/6h/2d
 * ago), filter (text), stdout / stderr (1/0), follow (1: stay open and stream new lines), format
 * (sse: server-sent events for the page; text: a download).
 *
 * The whole read runs inside performAction: the "started" row is committed before the first line
 * leaves, the outcome row when the stream ends (the end of the log, or the browser closing a
 * followed log). Lines stream with backpressure (constant memory, invariant 6) and are scrubbed of
 * the container's secrets (log-redaction.ts).
 */
import { z } from "zod";
import type { ActionContext } from "../actions/action-context";
import { performAction } from "../actions/perform-action";
import { can } from "../auth/policy";
import { isContainerId } from "../docker/container-id";
import { MAX_TAIL, streamLogs } from "../docker/container-logs";
import { logRedactorFor } from "../docker/log-redaction";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { monitoringOrError } from "./api";
import { jsonError } from "./http";
import { locateContainer } from "./locate";

const flag = (fallback: boolean) =>
  z
    .enum(["1", "0", "true", "false", "on", "off"], { message: "expected 1 or 0" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "1" || v === "true" || v === "on"));

const RELATIVE = /^(\d{1,6})([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const logsQuerySchema = z.object({
  tail: z
    .union([z.literal("all"), z.coerce.number().int().min(0).max(MAX_TAIL)], { message: `tail is a number of lines from 0 to ${MAX_TAIL}, or "all"` })
    .default(200),
  since: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const rel = RELATIVE.exec(value);
      if (rel) return new Date(Date.now() - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
      const at = Date.parse(value);
      if (Number.isNaN(at)) {
        ctx.addIssue({ code: "custom", message: "since is a time (2026-01-31T09:00:00Z) or a duration ago (30s, 15m, 6h, 2d)" });
        return z.NEVER;
      }
      return new Date(at);
    }),
  filter: z.string().max(200, "Keep the filter under 200 characters.").optional(),
  stdout: flag(true),
  stderr: flag(true),
  follow: flag(false),
  format: z.enum(["sse", "text"], { message: 'format is "sse" or "text"' }).default("sse"),
});

export type LogsQuery = z.infer<typeof logsQuerySchema>;

/** One SSE event per line: `event: line`, data {s: stdout|stderr, t: time, x: text}. */
function sseLine(stream: string, time: string | null, text: string): string {
  return `event: line\ndata: ${JSON.stringify({ s: stream, t: time, x: text })}\n\n`;
}

export async function logsResponse(ctx: ActionContext, rawId: string, searchParams: URLSearchParams, requestSignal?: AbortSignal): Promise<Response> {
  const spec = (id: string | null, params: unknown) => ({ action: "logs.view", permission: "logs.view" as const, resource: { type: "container", id }, params });

  // Authorization first: an anonymous or forbidden caller gets one "denied" row and no data.
  if (!ctx.actor || !can(ctx.actor.role, "logs.view")) {
    try {
      await performAction(ctx, spec(isContainerId(rawId) ? rawId : null, {}), async () => {
        throw new AppError("FORBIDDEN", "Denied."); // not reached: performAction denies first
      });
    } catch (error) {
      return jsonError(error);
    }
  }
  if (!isContainerId(rawId)) return jsonError(new AppError("INVALID_INPUT", "That is not a valid container id."));
  const parsed = logsQuerySchema.safeParse(Object.fromEntries(searchParams));
  if (!parsed.success) return jsonError(new AppError("INVALID_INPUT", parsed.error.issues.map((i) => i.message).join("; ")));
  const query = parsed.data;

  const m = await monitoringOrError();
  if (m instanceof Response) return m;
  const located = await locateContainer(m, rawId);
  if (!located) return jsonError(new AppError("NOT_FOUND", "No container with that id on the watched engines."));
  const { docker, streaming } = m.registry.get(located.engineId);
  let info;
  try {
    info = await docker.getContainer(located.id).inspect();
  } catch {
    return jsonError(new AppError("NOT_FOUND", "That container no longer exists."));
  }
  const name = info.Name.replace(/^\//, "");
  const redactLine = logRedactorFor(info);

  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, { highWaterMark: 16 }, { highWaterMark: 16 });
  const stop = new AbortController();
  requestSignal?.addEventListener("abort", () => stop.abort(), { once: true });
  let begin!: () => void;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const stats = { lines: 0 };
  const sse = query.format === "sse";

  const done = performAction(
    ctx,
    spec(located.id, {
      container: name,
      tail: query.tail,
      since: query.since?.toISOString() ?? null,
      filter: query.filter ?? null,
      stdout: query.stdout,
      stderr: query.stderr,
      follow: query.follow,
      format: query.format,
    }),
    async () => {
      begin();
      const writer = writable.getWriter();
      const write = async (text: string) => {
        try {
          await writer.ready;
          await writer.write(encoder.encode(text));
        } catch {
          stop.abort(); // the browser went away
        }
      };
      const heartbeat = sse ? setInterval(() => void write(": keep-alive\n\n"), 15_000) : null;
      try {
        if (sse) await write(`event: open\ndata: ${JSON.stringify({ container: name, follow: query.follow })}\n\n`);
        for await (const line of streamLogs(query.follow ? streaming : docker, located.id, {
          tail: query.tail,
          since: query.since,
          stdout: query.stdout,
          stderr: query.stderr,
          filter: query.filter || undefined,
          follow: query.follow,
          signal: stop.signal,
        })) {
          if (stop.signal.aborted) break;
          const text = redactLine(line.text);
          stats.lines++;
          await write(sse ? sseLine(line.stream, line.time, text) : `${line.time ?? "-"} ${line.stream} ${text}\n`);
        }
        if (sse && !stop.signal.aborted) await write(`event: end\ndata: ${JSON.stringify({ lines: stats.lines })}\n\n`);
        await writer.close().catch(() => undefined);
      } catch (error) {
        if (sse) await write(`event: failure\ndata: ${JSON.stringify({ message: "The log stream broke off; the server log says why." })}\n\n`);
        await writer.abort(error).catch(() => undefined);
        throw error;
      } finally {
        if (heartbeat) clearInterval(heartbeat);
      }
      return stats.lines;
    },
  );

  const first = await Promise.race([begun.then(() => null), done.then(() => null, (error: unknown) => ({ error }))]);
  if (first) return jsonError(first.error);
  done.then(
    (lines) => log.debug("log view ended", { container: name, lines, requestId: ctx.requestId }),
    (error: unknown) => log.warn("log view ended early", { container: name, lines: stats.lines, requestId: ctx.requestId, error }),
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(readable, {
    status: 200,
    headers: sse
      ? { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" }
      : {
          "content-type": "text/plain; charset=utf-8",
          "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, "_")}-logs-${stamp}.txt"`,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        },
  });
}
