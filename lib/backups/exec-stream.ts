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

/** Default size stdout is gathered to before it is passed on (see StdoutDemux). */
export const STDOUT_COALESCE_BYTES = 256 * 1024;
/** The longest stdout bytes wait in StdoutDemux for more to join them. */
export const STDOUT_COALESCE_MS = 10;

/**
 * Splits Docker's multiplexed stream: stdout bytes are passed on, stderr goes to a bounded tail.
 *
 * Docker frames the command's output in pieces of a few KiB (one frame per read of the command's pipe:
 * ~7 KiB on average for pg_dump), and the socket delivers them in reads of about that size, so a 1 GiB
 * dump arrives as ~150,000 pieces. Passed on one by one, every piece costs a trip through each stream
 * stage after this one (counting, hashing, encryption, a write system call), and on a busy machine
 * that CPU is taken from the dump itself. So stdout is gathered into buffers of `coalesceBytes` (one
 * memcpy), passed on when full, at the end, or after `coalesceMs` without filling (a slow command's
 * output is never held longer than that). Memory stays constant: one buffer being filled.
 */
export class StdoutDemux extends Transform {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private streamType = 1;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private out: Buffer | null = null;
  private outFill = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly keepStderr = 8192,
    private readonly coalesceBytes = STDOUT_COALESCE_BYTES,
    private readonly coalesceMs = STDOUT_COALESCE_MS,
  ) {
    super({ readableHighWaterMark: Math.max(coalesceBytes, 64 * 1024) });
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

  private stdout(part: Buffer): void {
    // A piece that fills a buffer by itself, with nothing waiting, goes on as it is (no copy).
    if (this.coalesceBytes <= 0 || (this.outFill === 0 && part.length >= this.coalesceBytes)) {
      this.push(part);
      return;
    }
    let offset = 0;
    while (offset < part.length) {
      this.out ??= Buffer.allocUnsafe(this.coalesceBytes);
      const n = Math.min(part.length - offset, this.coalesceBytes - this.outFill);
      part.copy(this.out, this.outFill, offset, offset + n);
      this.outFill += n;
      offset += n;
      if (this.outFill === this.coalesceBytes) this.passOn();
    }
  }

  /** Passes on what is gathered: the full buffer itself, or a right-sized copy of a small remainder. */
  private passOn(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.outFill === 0 || !this.out) return;
    let part: Buffer;
    if (this.outFill * 2 >= this.coalesceBytes) {
      part = this.out.subarray(0, this.outFill);
      this.out = null; // handed over: the consumer owns it now
    } else {
      part = Buffer.allocUnsafe(this.outFill);
      this.out.copy(part, 0, 0, this.outFill); // keep the big buffer; do not pin it with a small view
    }
    this.outFill = 0;
    this.push(part);
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
      else this.stdout(part);
      this.remaining -= n;
      offset += n;
    }
    if (this.outFill > 0 && !this.timer) this.timer = setTimeout(() => this.passOn(), this.coalesceMs);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.passOn();
    if (this.remaining > 0 || this.headerFill > 0) done(new Error("the command's output stream was cut off mid-frame"));
    else done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.out = null;
    done(error);
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
