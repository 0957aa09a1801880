/**
 * Docker multiplexes stdout and stderr of a container without a TTY into one stream of frames:
 * an 8-byte header [stream (1 = stdout, 2 = stderr), 0, 0, 0, payload size (uint32 BE)] then the
 * payload. These helpers split such a stream incrementally (frames may arrive cut anywhere), and
 * turn it into lines tagged with their stream, with constant memory per stream.
 */
export type StdStream = "stdout" | "stderr";

export type Chunk = { stream: StdStream; data: Buffer };

const HEADER = 8;

/**
 * Incremental demultiplexer: feed it raw bytes, get complete frames back. A frame that arrives whole
 * inside one chunk is returned as a view of it (no copy); the bytes of an unfinished frame are kept as
 * the pieces they came in and joined once, when the frame is complete — a large frame cut across many
 * reads costs one copy, not one per read.
 */
export class FrameDemuxer {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private readonly header = Buffer.alloc(HEADER);

  push(bytes: Buffer): Chunk[] {
    if (bytes.length > 0) {
      this.pieces.push(bytes);
      this.pendingBytes += bytes.length;
    }
    const out: Chunk[] = [];
    while (this.pendingBytes >= HEADER) {
      const head = this.peekHeader();
      const size = head.readUInt32BE(4);
      if (this.pendingBytes - HEADER < size) break;
      const type = head[0];
      this.take(HEADER);
      // 0 is stdin (never sent back); treat anything but 2 as stdout.
      out.push({ stream: type === 2 ? "stderr" : "stdout", data: this.take(size) });
    }
    return out;
  }

  /** The next 8 bytes without consuming them. */
  private peekHeader(): Buffer {
    const first = this.pieces[0]!;
    if (first.length >= HEADER) return first;
    let filled = 0;
    for (const piece of this.pieces) {
      filled += piece.copy(this.header, filled, 0, Math.min(piece.length, HEADER - filled));
      if (filled === HEADER) break;
    }
    return this.header;
  }

  /** Consumes `n` bytes: a view when the first piece holds them, else one joined copy. */
  private take(n: number): Buffer {
    this.pendingBytes -= n;
    const first = this.pieces[0];
    if (n === 0) return Buffer.alloc(0);
    if (first!.length >= n) {
      if (first!.length === n) this.pieces.shift();
      else this.pieces[0] = first!.subarray(n);
      return first!.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.pieces[0]!;
      const need = n - filled;
      if (piece.length <= need) {
        piece.copy(out, filled);
        filled += piece.length;
        this.pieces.shift();
      } else {
        piece.copy(out, filled, 0, need);
        this.pieces[0] = piece.subarray(need);
        filled += need;
      }
    }
    return out;
  }

  /** Bytes of an unfinished frame (non-zero at the end means the stream was cut). */
  get buffered(): number {
    return this.pendingBytes;
  }
}

/**
 * Splits each stream's bytes into lines (without the trailing newline). A line longer than
 * `maxLineBytes` is emitted in pieces, so one endless line cannot grow memory without bound.
 */
export class LineSplitter {
  private partial: Record<StdStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };

  constructor(private readonly maxLineBytes = 64 * 1024) {}

  push(chunk: Chunk): Array<{ stream: StdStream; line: string }> {
    const lines: Array<{ stream: StdStream; line: string }> = [];
    let buf = this.partial[chunk.stream].length ? Buffer.concat([this.partial[chunk.stream], chunk.data]) : chunk.data;
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl === -1) break;
      lines.push({ stream: chunk.stream, line: stripCr(buf.subarray(0, nl).toString("utf8")) });
      buf = buf.subarray(nl + 1);
    }
    while (buf.length > this.maxLineBytes) {
      lines.push({ stream: chunk.stream, line: buf.subarray(0, this.maxLineBytes).toString("utf8") });
      buf = buf.subarray(this.maxLineBytes);
    }
    this.partial[chunk.stream] = Buffer.from(buf);
    return lines;
  }

  /** What is left without a final newline, once the stream has ended. */
  flush(): Array<{ stream: StdStream; line: string }> {
    const rest: Array<{ stream: StdStream; line: string }> = [];
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream].length) rest.push({ stream, line: stripCr(this.partial[stream].toString("utf8")) });
      this.partial[stream] = Buffer.alloc(0);
    }
    return rest;
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Demultiplexes a whole buffer (small outputs, e.g. a finished exec). */
export function demuxAll(buffer: Buffer): { stdout: string; stderr: string } {
  const demuxer = new FrameDemuxer();
  const parts: Record<StdStream, Buffer[]> = { stdout: [], stderr: [] };
  for (const chunk of demuxer.push(buffer)) parts[chunk.stream].push(chunk.data);
  return { stdout: Buffer.concat(parts.stdout).toString("utf8"), stderr: Buffer.concat(parts.stderr).toString("utf8") };
}
