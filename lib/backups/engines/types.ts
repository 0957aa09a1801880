/**
 * The one small interface every backup engine implements (Postgres, ClickHouse, Redis, MongoDB,
 * volume): describe the server, plan the dump commands, open each dump as a stream, restore a dump
 * from a stream (Phase 5's guided restore builds on it), and verify a dump beyond its checksum.
 *
 * Everything runs inside the service's own container through docker exec with argv arrays (or the
 * Engine API's archive endpoint for volumes), so the console host needs no database tools. Secrets
 * travel in exec environment variables or on stdin — never in argv — and `displayCommand` masks them
 * for dry runs, manifests and logs.
 */
import type { Readable } from "node:stream";
import type Docker from "dockerode";

export const ENGINE_KINDS = ["postgres", "clickhouse", "redis", "mongodb", "volume"] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** A service to back up, as reached from inside its container. */
export type BackupTarget = {
  kind: EngineKind;
  stack: string;
  service: string;
  docker: Docker;
  containerId: string;
  /** Login (secrets stay in memory; never written to manifests or logs). */
  user?: string;
  password?: string;
  /** Postgres/ClickHouse/MongoDB: limit the backup to these databases (default: every user database). */
  databases?: string[];
  /** Postgres: the database discovery connects to (default `postgres`). */
  database?: string;
  /** Server address from inside the container (default 127.0.0.1 and the engine's standard port). */
  host?: string;
  port?: number;
  /** Directory of the engine's tools in the container (default: found on the container's PATH). */
  binDir?: string;
  /** Volume: the path in the container to archive. */
  path?: string;
};

export type TableInfo = {
  name: string;
  /** Postgres schema. */
  schema?: string;
  /** ClickHouse table engine. */
  engine?: string;
  /** Exact (ClickHouse parts) or estimated (Postgres reltuples) rows; null when unknown. */
  rows: number | null;
  bytes: number | null;
  /** Whether its data is in the backup (DDL always is, for ClickHouse). */
  dataDumped: boolean;
  /** Why not, when not. */
  reason?: string;
};

export type DatabaseInfo = { name: string; bytes: number | null; tables: TableInfo[] };

export type EngineDescription = {
  serverVersion: string | null;
  databases: DatabaseInfo[];
  /** Engine-specific facts for the manifest (Redis: dbsize, keyspace, rdb path). */
  details: Record<string, unknown>;
  /** Sum of what will be read, for the progress estimate; null when unknown. */
  estimatedBytes: number | null;
};

/** A command as run. `stdin` content may hold secrets and is shown only by its description. */
export type ExecCommand = {
  kind: "exec";
  argv: string[];
  env: Record<string, string>;
  /** Names in `env` whose values are secret (masked wherever the command is shown). */
  secretEnv: string[];
  stdin?: { description: string; content: string };
  /** Shown with the command in a dry run (e.g. "repeated until LASTSAVE changes"). */
  note?: string;
};

/** A path read through the Engine API (GET /containers/{id}/archive): a tar stream, no tool needed in the container. */
export type ArchiveCommand = { kind: "archive"; path: string; note?: string };

export type Command = ExecCommand | ArchiveCommand;

export type DumpFormat =
  | "postgres-custom"
  | "postgres-globals-sql"
  | "clickhouse-ddl"
  | "clickhouse-native"
  | "redis-rdb"
  | "mongodump-archive-gzip"
  | "tar";

/** One file of a backup: the command whose stdout it is. */
export type DumpFileSpec = {
  /** Path in the backup folder before compression/encryption suffixes, e.g. `posthog.pgdump`. */
  file: string;
  format: DumpFormat;
  /** True when the format is not compressed already (pg_dump -Fc is; Native and SQL are not). */
  compress: boolean;
  command: Command;
  what: string;
  estimatedBytes: number | null;
  database?: string;
  table?: string;
  rows?: number | null;
  /** ClickHouse: table engine, for restore order. */
  tableEngine?: string;
};

export type DumpPlan = {
  /** Read-only queries describe() runs (shown in a dry run without discovery). */
  discovery: Command[];
  /** Commands run before the dumps (Redis: BGSAVE and the wait for LASTSAVE). */
  prepare: Command[];
  files: DumpFileSpec[];
  /** For a plan made without discovery: what the per-database/per-table placeholders stand for. */
  placeholders?: string;
};

/** A dump file being restored: what the manifest says about it, and its plaintext bytes. */
export type RestoreInput = {
  file: string;
  format: DumpFormat;
  database?: string;
  table?: string;
  tableEngine?: string;
  stream: Readable;
};

export type RestoreOptions = {
  /** Restore a database dump into this database instead of the one it came from. */
  intoDatabase?: string;
  /** Postgres: drop objects before re-creating them (pg_restore --clean --if-exists). */
  clean?: boolean;
};

export type VerifyFinding = { ok: boolean; detail: string };

export type Progress = (event: { step: string }) => void;

export interface BackupEngine {
  readonly kind: EngineKind;
  describe(target: BackupTarget): Promise<EngineDescription>;
  /** Pure: the commands a backup runs. Without a description, per-database steps are placeholders. */
  plan(target: BackupTarget, description: EngineDescription | null): DumpPlan;
  /** Runs the plan's prepare commands (e.g. Redis BGSAVE + bounded wait). */
  prepare?(target: BackupTarget, plan: DumpPlan, progress: Progress, signal?: AbortSignal): Promise<Record<string, unknown>>;
  restore(target: BackupTarget, input: RestoreInput, options?: RestoreOptions): Promise<{ detail: string }>;
  /** A check beyond the checksum, on the plaintext stream (Postgres: pg_restore --list). */
  verify?(target: BackupTarget, input: RestoreInput): Promise<VerifyFinding | null>;
}

export type CommandDisplay = { kind: "exec"; argv: string[]; env: Record<string, string>; stdin?: string; note?: string } | { kind: "archive"; path: string; note?: string };
