/**
 * Copies to S3 or an S3-compatible store (MinIO, Ceph, R2…) with the AWS SDK v3: every file is a
 * multipart upload (@aws-sdk/lib-storage, 8 MiB parts, two in flight: constant memory), with its
 * sha256 as object metadata; then every object is read back and hashed, and must match the manifest.
 * manifest.json goes last, so an object prefix with a manifest is a complete copy.
 * Keys: `<prefix>/<stack>/<service>/<folder>/<file>`.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { CountingTap } from "../artifact-writer";
import { FOLDER_PATTERN, MANIFEST_FILE, parseBackupId } from "../backup-paths";
import type { Manifest } from "../manifest";
import { RemoteVerifyError, type RemoteStore, type UploadResult } from "./types";

export type S3StoreOptions = {
  bucket: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  partSizeBytes?: number;
};

export class S3Store implements RemoteStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3StoreOptions) {
    if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(options.bucket)) throw new Error("invalid S3 bucket name");
    this.prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
    // Checksums only where the API requires them: S3-compatible stores (older MinIO, Ceph, s3rver) reject the
    // SDK's default streaming checksum trailers; integrity is checked by re-reading and hashing each object.
    const config: S3ClientConfig = {
      region: options.region ?? "us-east-1",
      forcePathStyle: options.forcePathStyle ?? true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.credentials) config.credentials = options.credentials;
    this.client = new S3Client(config);
  }

  describe(): string {
    return `s3://${this.options.bucket}/${this.prefix}${this.options.endpoint ? ` at ${new URL(this.options.endpoint).host}` : ""}`;
  }

  private keyOf(backupId: string, file = ""): string {
    parseBackupId(backupId);
    return [this.prefix, backupId, file].filter(Boolean).join("/");
  }

  async upload(backupId: string, dir: string, manifest: Manifest): Promise<UploadResult> {
    const files = [...manifest.files.map((f) => ({ path: f.path, sha256: f.sha256 as string | null })), { path: MANIFEST_FILE, sha256: null }];
    for (const f of files) {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.options.bucket,
          Key: this.keyOf(backupId, f.path),
          Body: createReadStream(path.join(dir, ...f.path.split("/"))),
          ...(f.sha256 ? { Metadata: { sha256: f.sha256 } } : {}),
        },
        partSize: this.options.partSizeBytes ?? 8 * 1024 * 1024,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
    }
    let bytes = 0;
    for (const f of manifest.files) {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(backupId, f.path) }));
      const tap = new CountingTap(true);
      await pipeline(got.Body as Readable, tap, new Writable({ write: (_c, _e, cb) => cb() }));
      const actual = tap.digest();
      if (actual !== f.sha256) throw new RemoteVerifyError(f.path, f.sha256, actual);
      bytes += tap.bytes;
    }
    return { bytes, files: manifest.files.length, verified: true };
  }

  private async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async remove(backupId: string): Promise<void> {
    const keys = await this.keys(`${this.keyOf(backupId)}/`);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
    }
  }

  async list(): Promise<string[]> {
    const base = this.prefix ? `${this.prefix}/` : "";
    return (await this.keys(base))
      .filter((k) => k.endsWith(`/${MANIFEST_FILE}`))
      .map((k) => k.slice(base.length, -MANIFEST_FILE.length - 1))
      .filter((id) => id.split("/").length === 3 && FOLDER_PATTERN.test(id.split("/")[2]!));
  }
}
