/**
 * Streaming docker exec for dumps and restores (invariants 4 and 6): an argv array (never a shell
 * string), stdout passed on as a stream with backpressure down to the Engine API socket (constant
 * memory whatever the dump's size), stderr kept as a bounded tail for error messages, optional stdin
 * fed from a stream (restores), and the exit code once the command ends.
 *
 * Secrets reach the command through `env` (exec environment, not visible in `ps` or in the exec's
 * inspect data) or stdin, never through argv.
 */
import type Docker from "dockerode";
import { Transform, type Readable, type TransformCallback } from "node:stream";

export type ExecStreamOptions = {
  env?: Record<string, string>;
  user?: string;
  /** Fed to the command's stdin, which is closed when it ends. */
  stdin?: Readable;
  signal?: AbortSignal;
  /** Bytes of stderr kept (default 8 KiB). */
  stderrTailBytes?: number;
};

export type ExecOutcome = {
  exitCode: number | null;
  stderrTail: string;
  /** The stdin source failed (e.g. decryption): the command saw a cut input, whatever it exited with. */
  stdinError: Error | null;
};

export type RunningExec = {
  /** The command's stdout. Consume it (or resume it) or the command blocks. */
  stdout: Readable;
  /** Settles after stdout ended and the engine recorded the exit code. */
  outcome: Promise<ExecOutcome>;
};

/** Splits Docker's multiplexed stream: stdout bytes pass through unbuffered, stderr goes to a bounded tail. */
export class StdoutDemux extends Transform {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private streamType = 1;
  private tail: Buffer[] = [];
  private tailBytes = 0;

  constructor(private readonly keepStderr = 8192) {
    super();
  }

  get stderrTail(): string {
    return Buffer.concat(this.tail).toString("utf8");
  }

  private keep(bytes: Buffer): void {
    this.tail.push(Buffer.from(bytes));
    this.tailBytes += bytes.length;
    while (this.tailBytes > this.keepStderr && this.tail.length > 1) this.tailBytes -= this.tail.shift()!.length;
    if (this.tailBytes > this.keepStderr) {
      const only = this.tail[0]!;
      this.tail = [only.subarray(only.length - this.keepStderr)];
      this.tailBytes = this.keepStderr;
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const n = Math.min(8 - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + n);
        this.headerFill += n;
        offset += n;
        if (this.headerFill === 8) {
          this.streamType = this.header[0]!;
          this.remaining = this.header.readUInt32BE(4);
          this.headerFill = 0;
        }
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - offset);
      const part = chunk.subarray(offset, offset + n);
      if (this.streamType === 2) this.keep(part);
      else this.push(part);
      this.remaining -= n;
      offset += n;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.remaining > 0 || this.headerFill > 0) done(new Error("the command's output stream was cut off mid-frame"));
    else done();
  }
}

async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    info = await exec.inspect();
  }
  return info.Running ? null : (info.ExitCode ?? null);
}

export async function startExecStream(container: Docker.Container, argv: readonly string[], options: ExecStreamOptions = {}): Promise<RunningExec> {
  if (argv.length === 0) throw new Error("startExecStream needs a command");
  const exec = await container.exec({
    Cmd: [...argv],
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin !== undefined,
    Tty: false,
    User: options.user,
    Env: options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v}`) : undefined,
  });
  const raw = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as unknown as NodeJS.ReadWriteStream & Readable & { destroy(error?: Error): void };
  const demux = new StdoutDemux(options.stderrTailBytes);
  let stdinError: Error | null = null;
  const source = options.stdin;
  if (source) {
    source.on("error", (error: Error) => {
      stdinError = error;
      raw.destroy(error);
    });
    const failedAlready = source.errored ?? (source.destroyed && !source.readableEnded ? new Error("the input stream was closed before it ended") : null);
    if (failedAlready) {
      // It failed before we were listening (e.g. a wrong decryption key on the first chunk).
      stdinError = failedAlready;
      raw.destroy(failedAlready);
    } else {
      source.pipe(raw as unknown as NodeJS.WritableStream, { end: true });
    }
  }
  const onAbort = () => raw.destroy(new Error("aborted"));
  options.signal?.addEventListener("abort", onAbort, { once: true });
  raw.on("error", (error: Error & { code?: string }) => {
    // A command that stops reading its stdin early (pg_restore --list reads only the table of contents)
    // makes our writes fail; that is not a failure of the command: its exit code tells.
    if (source && !stdinError && ["EPIPE", "ECONNRESET", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"].includes(error.code ?? "")) return;
    demux.destroy(error);
  });
  raw.on("close", () => {
    if (!demux.writableEnded && !demux.destroyed) demux.end();
  });
  // A consumer that gives up (disk full, a failed encryption) must not leave the command blocked on a full pipe.
  demux.on("close", () => {
    if (!raw.destroyed) raw.destroy();
  });
  raw.pipe(demux);
  const ended = new Promise<void>((resolve, reject) => {
    demux.once("end", resolve);
    demux.once("close", resolve);
    demux.once("error", reject);
  });
  const outcome = ended
    .then(async () => ({ exitCode: await exitCodeOf(exec), stderrTail: demux.stderrTail, stdinError }))
    .finally(() => {
      options.signal?.removeEventListener("abort", onAbort);
      if (source && !source.readableEnded) {
        source.unpipe();
        source.destroy();
      }
    });
  // The caller sees failures through `outcome` (and stdout errors through its own pipeline).
  outcome.catch(() => undefined);
  return { stdout: demux, outcome };
}

/** Runs a short command and collects stdout (bounded) — for discovery queries. */
export async function execCollect(
  container: Docker.Container,
  argv: readonly string[],
  options: Omit<ExecStreamOptions, "stderrTailBytes"> & { maxBytes?: number; timeoutMs?: number } = {},
): Promise<{ exitCode: number | null; stdout: string; stderrTail: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 60_000);
  try {
    const running = await startExecStream(container, argv, { ...options, signal: controller.signal });
    const max = options.maxBytes ?? 16 * 1024 * 1024;
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of running.stdout as AsyncIterable<Buffer>) {
      if (size < max) parts.push(chunk.subarray(0, max - size));
      size += chunk.length;
    }
    if (size > max) throw new Error(`${argv[0]} printed more than ${max} bytes`);
    const outcome = await running.outcome;
    return { exitCode: outcome.exitCode, stdout: Buffer.concat(parts).toString("utf8"), stderrTail: outcome.stderrTail };
  } catch (error) {
    if (controller.signal.aborted) throw new Error(`${argv[0]} did not finish within ${options.timeoutMs ?? 60_000} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
