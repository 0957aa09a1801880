/**
 * The console's own health, as GET /api/health reports it: database reachable (with latency)
 * and migrations applied vs pending. Healthy only when the database answers and nothing is pending.
 */
import { appliedMigrations, compareMigrations, readMigrations, type MigrationFile } from "../db/migrations";
import { pool } from "../db/pool";
import { log } from "../log/logger";
import { OPSDECK_VERSION } from "../version";

export type Health = {
  status: "ok" | "degraded" | "down";
  version: string;
  time: string;
  database: { ok: boolean; latencyMs: number | null; error?: string };
  migrations: { applied: number | null; pending: number | null; pendingNames?: string[] };
};

let localMigrations: Promise<MigrationFile[]> | undefined;

export async function getHealth(): Promise<Health> {
  localMigrations ??= readMigrations();
  const started = performance.now();
  try {
    const client = await pool().connect();
    try {
      await client.query("select 1");
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      const status = compareMigrations(await localMigrations, await appliedMigrations(client));
      return {
        status: status.pending.length === 0 ? "ok" : "degraded",
        version: OPSDECK_VERSION,
        time: new Date().toISOString(),
        database: { ok: true, latencyMs },
        migrations: {
          applied: status.applied,
          pending: status.pending.length,
          ...(status.pending.length ? { pendingNames: status.pending } : {}),
        },
      };
    } finally {
      client.release();
    }
  } catch (error) {
    log.warn("Health check: database unreachable", { error });
    return {
      status: "down",
      version: OPSDECK_VERSION,
      time: new Date().toISOString(),
      database: { ok: false, latencyMs: null, error: "database unreachable" },
      migrations: { applied: null, pending: null },
    };
  }
}
