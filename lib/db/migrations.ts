/**
 * Reads Prisma-layout migrations (prisma/migrations/<timestamp>_<name>/migration.sql)
 * and compares them with the `_prisma_migrations` table.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";

export type MigrationFile = { name: string; sql: string; checksum: string };

export const DEFAULT_MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+$/;

export async function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && MIGRATION_NAME.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      // Prisma records the sha256 (hex) of the migration script as its checksum.
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Same DDL as Prisma's migrate engine, so `prisma migrate status` agrees where it can run. */
export const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type AppliedMigration = { name: string; checksum: string };

export async function appliedMigrations(client: pg.ClientBase | pg.Pool): Promise<AppliedMigration[]> {
  const table = await client.query<{ exists: boolean }>("select to_regclass('public._prisma_migrations') is not null as exists");
  if (!table.rows[0]?.exists) return [];
  const rows = await client.query<{ migration_name: string; checksum: string }>(
    `select migration_name, checksum from "_prisma_migrations"
     where finished_at is not null and rolled_back_at is null order by migration_name`,
  );
  return rows.rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }));
}

export type MigrationStatus = { applied: number; pending: string[]; unknown: string[]; modified: string[] };

export function compareMigrations(local: MigrationFile[], applied: AppliedMigration[]): MigrationStatus {
  const appliedByName = new Map(applied.map((a) => [a.name, a.checksum]));
  const localNames = new Set(local.map((m) => m.name));
  return {
    applied: applied.length,
    pending: local.filter((m) => !appliedByName.has(m.name)).map((m) => m.name),
    unknown: applied.filter((a) => !localNames.has(a.name)).map((a) => a.name),
    modified: local.filter((m) => appliedByName.has(m.name) && appliedByName.get(m.name) !== m.checksum).map((m) => m.name),
  };
}
