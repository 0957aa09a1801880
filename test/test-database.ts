/**
 * Per-test-file databases on the shared integration Postgres, so files run in parallel without
 * seeing each other's rows.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export function adminUrl(): string {
  return inject("adminDatabaseUrl");
}

export function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createTestDatabase(prefix = "t"): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  return {
    name,
    url: urlFor(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      // A pool that was just ended may still have sockets open on the server for a moment; forcing them closed
      // then makes the server send "terminating connection due to administrator command" to a client nobody
      // listens to any more (an uncaught error that fails the run). Give them up to 3 s to go by themselves.
      for (let i = 0; i < 30; i++) {
        const { rows } = await c.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
        if (rows[0]!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/**
 * A migrated database of its own for this test file, published as the console's DATABASE_URL
 * (so lib/db/pool and lib/db/prisma use it). Call in beforeAll; returns a cleanup for afterAll.
 */
export async function useMigratedTestDatabase(prefix = "t"): Promise<{ name: string; url: string; cleanup: () => Promise<void> }> {
  const { migrate } = await import("../lib/db/migrate");
  const { publishRuntimeEnv } = await import("../lib/config/env");
  const { closePool } = await import("../lib/db/pool");
  const { disconnectPrisma } = await import("../lib/db/prisma");
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  await closePool();
  await disconnectPrisma();
  publishRuntimeEnv({ DATABASE_URL: db.url, NEXTAUTH_SECRET: "test-secret-".padEnd(48, "x"), OPSDECK_EMBEDDED_DB: "0", OPSDECK_DATA_DIR: `/tmp/opsdeck-test-data-${db.name}` });
  return {
    name: db.name,
    url: db.url,
    cleanup: async () => {
      await closePool();
      await disconnectPrisma();
      await db.drop();
    },
  };
}

/** Runs SQL as the test superuser against a database (for tamper tests, injected failures). */
export async function superuserQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
