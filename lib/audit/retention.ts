/**
 * Audit retention: archive, then purge, then checkpoint.
 *
 * 1. Find the rows to remove: every row up to the newest one older than the cutoff (now − policy
 *    days) — exactly the set opsdeck_audit_purge(cutoff) deletes.
 * 2. Stream them, in chain order, as NDJSON (the export's record format) through gzip into
 *    `<dataDir>/audit-archive/audit-<from>-<to>.ndjson.gz.partial`, hashing the compressed bytes;
 *    fsync, rename to the final name; the same for `<name>.sha256` (sha256sum format); fsync the
 *    directory. If anything here fails, nothing is purged.
 * 3. In ONE transaction: opsdeck_audit_purge(cutoff), check it removed
 *    exactly the archived rows, and append the `audit.retention.purge` checkpoint row recording the
 *    count, the hash the chain continues from, the last removed seq and the archive's name and
 *    sha256. If the transaction fails, the archive files are removed again (the rows are still in
 *    the database) and the next run starts over.
 *
 * Only one run at a time (session advisory lock); a second concurrent run returns "busy".
 */
import { createHash } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type pg from "pg";
import { env } from "../config/env";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { appendAuditEvent } from "./append-audit-event";
import { AUDIT_COLUMNS_SQL, auditRecordOf, type AuditDbRow } from "./audit-row";
import { getRetentionPolicy } from "./retention-policy";
import { RETENTION_PURGE_ACTION } from "./verify-audit-chain";
import { withClient } from "./with-client";

export const AUDIT_RETENTION_LOCK = 7_261_127;
export const ARCHIVE_DIR_NAME = "audit-archive";

export type RetentionOptions = {
  now?: Date;
  /** Default: the console's data dir (OPSDECK_DATA_DIR). */
  dataDir?: string;
  /** Default: the console's DATABASE_URL. A dedicated connection (not the pool: the purge can outlast its query timeout). */
  connectionString?: string;
  batchSize?: number;
};

export type RetentionResult =
  | { status: "nothing-to-purge"; days: number; cutoff: string }
  | { status: "busy" }
  | {
      status: "purged";
      days: number;
      cutoff: string;
      removed: number;
      firstSeq: string;
      lastSeq: string;
      continuesFrom: string;
      archive: { file: string; path: string; sha256: string; bytes: number };
      checkpointId: string;
    };

type ArchiveResult = { file: string; path: string; sha256: string; bytes: number; rows: number; lastHash: string };

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");

async function fsyncDir(dir: string) {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `source` (gzipped when asked) to `finalPath` via `.partial` + fsync + rename. Returns the file's sha256 and size. */
async function writeDurably(finalPath: string, source: Iterable<Buffer> | AsyncIterable<Buffer>, options: { gzip: boolean }): Promise<{ sha256: string; bytes: number }> {
  const partial = `${finalPath}.partial`;
  const handle = await open(partial, "w", 0o600);
  const hash = createHash("sha256");
  let bytes = 0;
  const toFile = async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      await handle.write(chunk);
    }
  };
  try {
    if (options.gzip) await pipeline(Readable.from(source), createGzip(), toFile);
    else await pipeline(Readable.from(source), toFile);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  await handle.close();
  await rename(partial, finalPath);
  return { sha256: hash.digest("hex"), bytes };
}

async function* archiveLines(client: pg.ClientBase, lastSeq: string, batchSize: number, seen: { rows: number; lastHash: string }): AsyncGenerator<Buffer> {
  let after = "-1";
  for (;;) {
    const batch = await client.query<AuditDbRow>(
      `select ${AUDIT_COLUMNS_SQL} from audit_events where seq > $1::bigint and seq <= $2::bigint order by seq limit $3`,
      [after, lastSeq, batchSize],
    );
    if (batch.rows.length === 0) return;
    let text = "";
    for (const row of batch.rows) text += `${JSON.stringify(auditRecordOf(row))}\n`;
    seen.rows += batch.rows.length;
    seen.lastHash = batch.rows[batch.rows.length - 1]!.hash;
    yield Buffer.from(text, "utf8");
    if (batch.rows.length < batchSize) return;
    after = String(batch.rows[batch.rows.length - 1]!.seq);
  }
}

async function writeArchive(client: pg.ClientBase, dir: string, range: { firstAt: Date; lastAt: Date; lastSeq: string }, batchSize: number): Promise<ArchiveResult> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = `audit-${stamp(range.firstAt)}-${stamp(range.lastAt)}.ndjson.gz`;
  const archivePath = path.join(dir, file);
  const seen = { rows: 0, lastHash: "" };
  const { sha256, bytes } = await writeDurably(archivePath, archiveLines(client, range.lastSeq, batchSize, seen), { gzip: true });
  try {
    await writeDurably(`${archivePath}.sha256`, [Buffer.from(`${sha256}  ${file}\n`)], { gzip: false });
    await fsyncDir(dir);
  } catch (error) {
    await removeArchive(archivePath);
    throw error;
  }
  return { file, path: archivePath, sha256, bytes, rows: seen.rows, lastHash: seen.lastHash };
}

async function removeArchive(archivePath: string) {
  await rm(archivePath, { force: true }).catch(() => undefined);
  await rm(`${archivePath}.sha256`, { force: true }).catch(() => undefined);
}

export async function runAuditRetention(options: RetentionOptions = {}): Promise<RetentionResult> {
  const now = options.now ?? new Date();
  const dataDir = options.dataDir ?? env().OPSDECK_DATA_DIR;
  const batchSize = options.batchSize ?? 5000;

  return withClient(options.connectionString ?? env().DATABASE_URL, async (client) => {
    const locked = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [AUDIT_RETENTION_LOCK]);
    if (!locked.rows[0]!.ok) {
      log.info("Audit retention is already running elsewhere; skipping this run");
      return { status: "busy" } as const;
    }
    try {
      return await retain(client, now, path.resolve(dataDir, ARCHIVE_DIR_NAME), batchSize);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [AUDIT_RETENTION_LOCK]).catch(() => undefined);
    }
  });
}

async function retain(client: pg.ClientBase, now: Date, archiveDir: string, batchSize: number): Promise<RetentionResult> {
  const { days } = await getRetentionPolicy(client);
  const cutoff = new Date(now.getTime() - days * 86_400_000);

  const bounds = await client.query<{ last_seq: string | null; first_seq: string | null; first_at: Date | null; last_at: Date | null; rows: string }>(
    `with last as (select seq from audit_events where at < $1 order by seq desc limit 1)
     select (select seq from last) as last_seq,
            (select seq from audit_events order by seq limit 1) as first_seq,
            (select at from audit_events order by seq limit 1) as first_at,
            (select at from audit_events where seq = (select seq from last)) as last_at,
            (select count(*)::text from audit_events where seq <= (select seq from last)) as rows`,
    [cutoff],
  );
  const b = bounds.rows[0]!;
  if (b.last_seq === null || b.first_seq === null || !b.first_at || !b.last_at) {
    log.info("Audit retention: nothing is older than the policy", { days, cutoff: cutoff.toISOString() });
    return { status: "nothing-to-purge", days, cutoff: cutoff.toISOString() };
  }

  let archive: ArchiveResult;
  try {
    archive = await writeArchive(client, archiveDir, { firstAt: b.first_at, lastAt: b.last_at, lastSeq: b.last_seq }, batchSize);
  } catch (error) {
    log.error("Audit retention: writing the archive failed; nothing was purged", { archiveDir, error });
    throw new AppError(
      "INTERNAL",
      `The audit archive could not be written to ${archiveDir}, so no audit rows were removed. Check that the directory exists, is writable by the console and has free space; the next run retries.`,
      { cause: error },
    );
  }
  if (archive.rows !== Number(b.rows)) {
    await removeArchive(archive.path);
    throw new AppError("CONFLICT", `The audit archive holds ${archive.rows} rows but ${b.rows} were due for removal; nothing was purged. The next run retries.`);
  }

  try {
    await client.query("begin");
    // No chain lock around the DELETE: appends only touch the head, so actions keep running while old
    // rows go. The checkpoint append below takes the lock, held from there to the commit.
    const purged = await client.query<{ removed: string; continues_from: string | null; last_seq: string | null }>(
      "select removed, continues_from, last_seq from opsdeck_audit_purge($1)",
      [cutoff],
    );
    const p = purged.rows[0]!;
    if (Number(p.removed) !== archive.rows || p.last_seq !== b.last_seq || p.continues_from !== archive.lastHash) {
      throw new AppError(
        "CONFLICT",
        "The rows due for removal changed while they were being archived; nothing was purged. The next run retries.",
        { logDetail: `archived ${archive.rows} rows to seq ${b.last_seq} (${archive.lastHash}); purge saw ${p.removed} to seq ${p.last_seq} (${p.continues_from})` },
      );
    }
    const checkpoint = await appendAuditEvent(
      {
        action: RETENTION_PURGE_ACTION,
        resourceType: "audit",
        resourceId: archive.file,
        outcome: "succeeded",
        actor: null,
        params: {
          removed: archive.rows,
          firstSeq: b.first_seq,
          lastSeq: b.last_seq,
          continuesFrom: archive.lastHash,
          cutoff: cutoff.toISOString(),
          days,
          archive: archive.file,
          archiveSha256: archive.sha256,
          archiveBytes: archive.bytes,
        },
      },
      client,
    );
    await client.query("commit");
    log.info("Audit retention: archived and purged old audit rows", { removed: archive.rows, archive: archive.path, days });
    return {
      status: "purged",
      days,
      cutoff: cutoff.toISOString(),
      removed: archive.rows,
      firstSeq: b.first_seq,
      lastSeq: b.last_seq,
      continuesFrom: archive.lastHash,
      archive: { file: archive.file, path: archive.path, sha256: archive.sha256, bytes: archive.bytes },
      checkpointId: checkpoint.id,
    };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    await removeArchive(archive.path);
    log.error("Audit retention: the purge failed and was rolled back; the archive was removed", { error });
    throw error;
  }
}
