/**
 * Container logs as a stream of lines tagged stdout / stderr (invariant 6: constant memory
 * whatever the log size): tail the last N lines, since / until a time, follow live, filter by
 * text. Lines carry Docker's timestamp. A container with a TTY has one combined stream, reported
 * as stdout.
 */
import type Docker from "dockerode";
import type { Readable } from "node:stream";
import { FrameDemuxer, LineSplitter, type StdStream } from "./demux";

export type LogLine = { stream: StdStream; /** RFC 3339 from Docker, or null */ time: string | null; text: string };

export type LogOptions = {
  /** Last N lines (default 200; "all" for everything). */
  tail?: number | "all";
  /** Only lines at or after this time. */
  since?: Date;
  until?: Date;
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Case-insensitive substring every returned line must contain. */
  filter?: string;
  /** Stops reading when aborted (a closed browser tab). */
  signal?: AbortSignal;
};

export const MAX_TAIL = 10_000;

function query(options: LogOptions): Record<string, string | number | boolean> {
  const tail = options.tail ?? 200;
  if (tail !== "all" && (!Number.isInteger(tail) || tail < 0 || tail > MAX_TAIL)) {
    throw new Error(`tail must be a whole number from 0 to ${MAX_TAIL}, or "all"`);
  }
  const q: Record<string, string | number | boolean> = {
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    timestamps: true,
    follow: options.follow ?? false,
    tail: tail === "all" ? "all" : String(tail),
  };
  if (options.since) q.since = Math.floor(options.since.getTime() / 1000);
  if (options.until) q.until = Math.floor(options.until.getTime() / 1000);
  return q;
}

/** Opens the raw log stream (never buffered whole, even without follow). */
async function openLogStream(docker: Docker, id: string, options: LogOptions): Promise<Readable> {
  const modem = docker.modem as unknown as {
    dial(opts: Record<string, unknown>, cb: (err: unknown, stream: Readable) => void): void;
  };
  return new Promise<Readable>((resolve, reject) => {
    modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: "GET",
        options: query(options),
        isStream: true,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
      },
      (err, stream) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(stream)),
    );
  });
}

/** Splits "2024-01-01T00:00:00.123456789Z text" into its time and text. */
function parseTimestamped(line: string): { time: string | null; text: string } {
  const space = line.indexOf(" ");
  if (space > 0 && /^\d{4}-\d{2}-\d{2}T/.test(line)) return { time: line.slice(0, space), text: line.slice(space + 1) };
  return { time: null, text: line };
}

/**
 * The log lines of a container, as an async iterable. Without `follow` it ends at the end of the
 * log; with it, it goes on until the container stops or `signal` aborts.
 */
export async function* streamLogs(docker: Docker, id: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
  const info = await docker.getContainer(id).inspect();
  const tty = info.Config.Tty === true;
  const stream = await openLogStream(docker, id, options);
  const needle = options.filter?.toLowerCase() ?? "";
  const onAbort = () => stream.destroy();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const demuxer = new FrameDemuxer();
  const splitter = new LineSplitter();
  const emit = (raw: { stream: StdStream; line: string }): LogLine | null => {
    const { time, text } = parseTimestamped(raw.line);
    if (needle && !text.toLowerCase().includes(needle)) return null;
    return { stream: raw.stream, time, text };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const chunks = tty ? [{ stream: "stdout" as const, data: chunk }] : demuxer.push(chunk);
      for (const c of chunks) {
        for (const raw of splitter.push(c)) {
          const line = emit(raw);
          if (line) yield line;
        }
      }
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    stream.destroy();
  }
  for (const raw of splitter.flush()) {
    const line = emit(raw);
    if (line) yield line;
  }
}

/** Collects a bounded (non-follow) read: at most `tail` lines (default 200). */
export async function readLogs(docker: Docker, id: string, options: Omit<LogOptions, "follow"> = {}): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for await (const line of streamLogs(docker, id, { ...options, follow: false })) {
    lines.push(line);
    if (lines.length > MAX_TAIL) lines.shift(); // "all" with a text filter still stays bounded
  }
  return lines;
}
