/**
 * The console's own migrator (prisma migrate's engine cannot be downloaded on these machines).
 * Each migration runs in its own transaction together with its `_prisma_migrations` row:
 * it applies whole or not at all. An advisory lock keeps several starting replicas from racing.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { CREATE_MIGRATIONS_TABLE, DEFAULT_MIGRATIONS_DIR, appliedMigrations, compareMigrations, readMigrations } from "./migrations";

const MIGRATION_LOCK_ID = 7_261_125; // arbitrary, constant: pg_advisory_lock key for migrations

export type MigrateResult = { applied: string[]; alreadyApplied: number };

export async function migrate(databaseUrl: string, options: { dir?: string } = {}): Promise<MigrateResult> {
  const local = await readMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const status = compareMigrations(local, await appliedMigrations(client));
    for (const name of status.modified)
      log.warn(`Migration ${name} was changed after it was applied; the database keeps the version it ran`);
    for (const name of status.unknown)
      log.warn(`The database has migration ${name} which this version of Opsdeck does not know (was a newer version run against it?)`);

    const applied: string[] = [];
    for (const migration of local.filter((m) => status.pending.includes(m.name))) {
      const started = Date.now();
      try {
        await client.query("begin");
        await client.query(migration.sql);
        await client.query(
          `insert into "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           values ($1, $2, now(), $3, null, null, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, new Date(started)],
        );
        await client.query("commit");
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        const message = error instanceof Error ? error.message : String(error);
        throw new AppError(
          "MIGRATION_FAILED",
          `Migration ${migration.name} failed: ${message}. It was rolled back, so the database is as it was before it; ` +
            `${applied.length ? `migrations applied before it in this run (${applied.join(", ")}) stay applied. ` : ""}` +
            "Fix the cause and start the console again.",
          { cause: error },
        );
      }
      applied.push(migration.name);
      log.info(`Applied migration ${migration.name}`, { ms: Date.now() - started });
    }
    return { applied, alreadyApplied: status.applied };
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
