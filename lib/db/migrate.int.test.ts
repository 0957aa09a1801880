import { mkdtemp, mkdir, rm, writeFile, cp } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/test-database";
import { isAppError } from "../errors/app-error";
import { migrate } from "./migrate";
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from "./migrations";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

describe("migrator", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let work: string;
  beforeAll(async () => {
    db = await createTestDatabase("migrate");
    work = await mkdtemp(path.join(tmpdir(), "opsdeck-migrations-"));
  });
  afterAll(async () => {
    await db.drop();
    await rm(work, { recursive: true, force: true });
  });

  it("applies the shipped migrations and records them the way Prisma does", async () => {
    const result = await migrate(db.url);
    const local = await readMigrations(DEFAULT_MIGRATIONS_DIR);
    expect(result.applied).toEqual(local.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }>(
      db.url,
      `select migration_name, checksum, applied_steps_count, finished_at from "_prisma_migrations" order by migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(createHash("sha256").update(local[i]!.sql).digest("hex"));
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    // The schema is really there.
    await query(db.url, "insert into settings (key, value) values ('probe', '{}'::jsonb)");
  });

  it("applies nothing on a second run", async () => {
    const result = await migrate(db.url);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThan(0);
  });

  it("rolls a broken migration back whole and reports it by name", async () => {
    const dir = path.join(work, "migrations");
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, "29991231000000_good_then_bad"));
    await writeFile(
      path.join(dir, "29991231000000_good_then_bad", "migration.sql"),
      `create table half_done (id int primary key);\ninsert into settings (key, value) values ('half', '1'::jsonb);\nselect no_such_function();\n`,
    );
    const before = await query<{ n: string }>(db.url, `select count(*) as n from "_prisma_migrations"`);

    const error = await migrate(db.url, { dir }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("MIGRATION_FAILED");
    expect((error as Error).message).toMatch(/Migration 29991231000000_good_then_bad failed: .*no_such_function.*rolled back/);

    const table = await query<{ t: string | null }>(db.url, "select to_regclass('public.half_done')::text as t");
    expect(table[0]!.t).toBeNull();
    expect(await query(db.url, "select 1 from settings where key = 'half'")).toEqual([]);
    const after = await query<{ n: string }>(db.url, `select count(*) as n from "_prisma_migrations"`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("lets two starting replicas migrate at once without applying anything twice", async () => {
    const other = await createTestDatabase("race");
    try {
      const [a, b] = await Promise.all([migrate(other.url), migrate(other.url)]);
      const local = await readMigrations();
      expect([...a.applied, ...b.applied].sort()).toEqual(local.map((m) => m.name).sort());
      const rows = await query<{ n: string }>(other.url, `select count(*) as n from "_prisma_migrations"`);
      expect(Number(rows[0]!.n)).toBe(local.length);
    } finally {
      await other.drop();
    }
  });
});
