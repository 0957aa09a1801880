/**
 * manifest.json: what a backup folder holds and how it was made — format version, engine, service,
 * container image and digest, server and console versions, timings, who or what asked for it, the
 * sha256 and size of every file, compression, encryption key id, databases/tables with row counts,
 * and every command run (secrets masked). Verify and restore trust nothing else in the folder.
 */
import { AppError } from "../errors/app-error";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { MANIFEST_FILE, assertBackupFilePath } from "./backup-paths";

export const MANIFEST_FORMAT_VERSION = 1;

const commandDisplay = z.union([
  z.object({ kind: z.literal("exec"), argv: z.array(z.string()), env: z.record(z.string(), z.string()), stdin: z.string().optional(), note: z.string().optional() }),
  z.object({ kind: z.literal("archive"), path: z.string(), note: z.string().optional() }),
]);

export const manifestFileSchema = z.object({
  path: z.string().refine((p) => {
    try {
      assertBackupFilePath(p);
      return true;
    } catch {
      return false;
    }
  }, "not a valid file path"),
  format: z.enum(["postgres-custom", "postgres-globals-sql", "clickhouse-ddl", "clickhouse-native", "redis-rdb", "mongodump-archive-gzip", "tar"]),
  /** Bytes on disk and their sha256 (after compression and encryption). */
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Bytes the command produced (before compression and encryption). */
  sourceBytes: z.number().int().nonnegative(),
  compression: z.enum(["none", "gzip", "zstd"]),
  encrypted: z.boolean(),
  what: z.string(),
  database: z.string().optional(),
  table: z.string().optional(),
  tableEngine: z.string().optional(),
  rows: z.number().nullable().optional(),
  command: commandDisplay,
});

export const requestedBySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), userId: z.string().nullable(), email: z.string().nullable() }),
  z.object({ kind: z.literal("schedule"), scheduleId: z.string(), cron: z.string() }),
  z.object({ kind: z.literal("system"), reason: z.string() }),
]);

const tableSchema = z.object({
  name: z.string(),
  schema: z.string().optional(),
  engine: z.string().optional(),
  rows: z.number().nullable(),
  bytes: z.number().nullable(),
  dataDumped: z.boolean(),
  reason: z.string().optional(),
});

export const manifestSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  id: z.string(),
  runId: z.string(),
  stack: z.string(),
  service: z.string(),
  engine: z.enum(["postgres", "clickhouse", "redis", "mongodb", "volume"]),
  name: z.string().nullable(),
  container: z.object({ id: z.string(), name: z.string(), image: z.string(), imageId: z.string(), digest: z.string().nullable() }),
  serverVersion: z.string().nullable(),
  consoleVersion: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  requestedBy: requestedBySchema,
  compression: z.enum(["none", "gzip", "zstd"]),
  encryption: z.object({ format: z.literal("age"), keyId: z.string(), recipients: z.array(z.string()) }).nullable(),
  totals: z.object({ files: z.number(), bytes: z.number(), sourceBytes: z.number() }),
  counts: z.object({ databases: z.number(), tables: z.number(), rows: z.number().nullable() }),
  databases: z.array(z.object({ name: z.string(), bytes: z.number().nullable(), tables: z.array(tableSchema) })),
  details: z.record(z.string(), z.unknown()),
  prepare: z.array(commandDisplay),
  files: z.array(manifestFileSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type RequestedBy = z.infer<typeof requestedBySchema>;

/** Reads and validates `<dir>/manifest.json`; throws naming what is wrong. */
export async function readManifest(dir: string): Promise<Manifest> {
  const text = await readFile(path.join(dir, MANIFEST_FILE), "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError("CONFLICT", `The manifest.json of ${path.basename(dir)} is damaged (not JSON), so this backup cannot be trusted; verify or delete it.`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("CONFLICT", `The manifest.json of ${path.basename(dir)} is not valid, so this backup cannot be trusted; verify or delete it.`, {
      logDetail: `manifest.json is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    });
  }
  return parsed.data;
}
