/**
 * A small pg pool for raw SQL the ORM does not express well (health probe, migration status,
 * later: audit chain appends under an advisory lock). Short timeouts: a probe must answer quickly.
 */
import pg from "pg";
import { env } from "../config/env";

const globalForPool = globalThis as unknown as { __opsdeckPool?: pg.Pool };

export function pool(): pg.Pool {
  if (!globalForPool.__opsdeckPool) {
    const p = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: 5,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 10_000,
      query_timeout: 5000,
    });
    p.on("error", () => undefined); // idle client lost (database restarted): the next query reconnects
    globalForPool.__opsdeckPool = p;
  }
  return globalForPool.__opsdeckPool;
}

export async function closePool() {
  await globalForPool.__opsdeckPool?.end();
  globalForPool.__opsdeckPool = undefined;
}
