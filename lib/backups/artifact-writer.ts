/**
 * Writes one backup folder. Files are streamed (constant memory) through optional compression
 * (zstd, or gzip where Node has no zstd) and optional age encryption, hashed (sha256) and counted on
 * the way to disk. Everything is written under `<folder>.partial`; `finalize` writes manifest.json,
 * fsyncs every file and the directories, and only then renames the folder to its final name — a
 * crash at any point leaves a `.partial` folder, never something that looks like a complete backup.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { MANIFEST_FILE, newBackupPaths, type BackupIdParts } from "./backup-paths";
import { createAgeEncryptStream } from "./encryption/age-stream";

export type Compression = "none" | "gzip" | "zstd";

/** zstd when this Node has it (22.15+/23.8+), else gzip. */
export function defaultCompression(): Exclude<Compression, "none"> {
  return typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === "function" ? "zstd" : "gzip";
}

export function compressor(kind: Compression): Transform | null {
  if (kind === "none") return null;
  if (kind === "gzip") return zlib.createGzip({ level: 6 });
  const z = zlib as unknown as { createZstdCompress: (o?: object) => Transform; constants: Record<string, number> };
  return z.createZstdCompress({ params: { [z.constants.ZSTD_c_compressionLevel!]: 3 } });
}

export function decompressor(kind: Compression): Transform | null {
  if (kind === "none") return null;
  if (kind === "gzip") return zlib.createGunzip();
  const z = zlib as unknown as { createZstdDecompress?: () => Transform };
  if (!z.createZstdDecompress) throw new Error("this Node has no zstd: run the console on Node 22.15+ to read zstd-compressed backups");
  return z.createZstdDecompress();
}

export const COMPRESSION_SUFFIX: Record<Compression, string> = { none: "", gzip: ".gz", zstd: ".zst" };

/** Bytes a file's write stream buffers before it pushes back. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

/** Counts bytes (and hashes them, if asked) as they pass. */
export class CountingTap extends Transform {
  bytes = 0;
  private readonly hash: ReturnType<typeof createHash> | null;
  constructor(
    withHash: boolean,
    private readonly onBytes?: (n: number) => void,
  ) {
    super({ highWaterMark: 512 * 1024 });
    this.hash = withHash ? createHash("sha256") : null;
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    this.onBytes?.(chunk.length);
    done(null, chunk);
  }
  private hex: string | null = null;
  /** The sha256 (hex) of every byte that passed; may be called more than once. */
  digest(): string {
    if (!this.hash) throw new Error("not hashing");
    this.hex ??= this.hash.digest("hex");
    return this.hex;
  }
}

export type WrittenFile = { path: string; bytes: number; sha256: string; sourceBytes: number; compression: Compression; encrypted: boolean };

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class ArtifactWriter {
  private constructor(
    readonly parts: BackupIdParts,
    readonly partialDir: string,
    readonly finalDir: string,
    private readonly serviceDir: string,
  ) {}

  /** Creates `<folder>.partial`; fails if the folder (partial or final) exists already. */
  static async create(root: string, parts: BackupIdParts): Promise<ArtifactWriter> {
    const p = newBackupPaths(root, parts);
    await mkdir(p.serviceDir, { recursive: true, mode: 0o750 });
    const exists = await open(p.final, "r").then(
      async (fh) => (await fh.close(), true),
      () => false,
    );
    if (exists) throw new Error(`backup folder ${parts.folder} exists already`);
    await mkdir(p.partial, { mode: 0o750 });
    return new ArtifactWriter(parts, p.partial, p.final, p.serviceDir);
  }

  /**
   * Streams `source` into `file` (+ compression and `.age` suffixes). Resolves when every byte is on
   * disk (the write stream flushes with fsync before close). `onSourceBytes` sees the command's bytes.
   */
  async writeFile(file: string, source: Readable, options: { compression: Compression; recipients: readonly string[] | null; onSourceBytes?: (n: number) => void }): Promise<WrittenFile> {
    const name = `${file}${COMPRESSION_SUFFIX[options.compression]}${options.recipients ? ".age" : ""}`;
    const target = path.join(this.partialDir, ...name.split("/"));
    await mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
    const c = compressor(options.compression);
    const encrypt = options.recipients ? await createAgeEncryptStream(options.recipients) : null;
    // Stored as it comes (pg_dump -Fc, not encrypted): one stage counts, reports and hashes.
    const counted = new CountingTap(!c && !encrypt, options.onSourceBytes);
    const stored = c || encrypt ? new CountingTap(true) : counted;
    const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream> = [source, counted];
    if (c) stages.push(c);
    if (encrypt) stages.push(encrypt);
    if (stored !== counted) stages.push(stored);
    // A deeper write buffer lets the next pieces gather (and go out in one writev) while a write is in the kernel.
    stages.push(createWriteStream(target, { flags: "wx", mode: 0o640, flush: true, highWaterMark: WRITE_BUFFER_BYTES }));
    await (pipeline as unknown as (...s: unknown[]) => Promise<void>)(...stages);
    return { path: name, bytes: stored.bytes, sha256: stored.digest(), sourceBytes: counted.bytes, compression: options.compression, encrypted: options.recipients !== null };
  }

  /** Writes manifest.json, fsyncs the folder tree, renames `.partial` to the final name. Returns the final path. */
  async finalize(manifest: unknown): Promise<{ dir: string; manifestSha256: string }> {
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    const manifestPath = path.join(this.partialDir, MANIFEST_FILE);
    await writeFile(manifestPath, text, { flag: "wx", mode: 0o640, flush: true });
    await fsyncTree(this.partialDir);
    await rename(this.partialDir, this.finalDir);
    await fsyncPath(this.serviceDir);
    return { dir: this.finalDir, manifestSha256: createHash("sha256").update(text).digest("hex") };
  }

  async discard(): Promise<void> {
    await rm(this.partialDir, { recursive: true, force: true });
  }
}

/** fsyncs every directory under `dir` (files were fsynced as they were closed). */
async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await fsyncTree(path.join(dir, entry.name));
  }
  await fsyncPath(dir);
}
