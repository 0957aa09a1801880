/** Postgres probe: connect and `SELECT 1` (plus the server version) within the timeout. */
import pg from "pg";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type PostgresProbeSpec = {
  /** postgresql://user:password@host:port/db — built from config with the password from its env var. */
  url: string;
  timeoutMs?: number;
};

export async function probePostgres(spec: PostgresProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let where = "postgres";
  try {
    const u = new URL(spec.url);
    where = `postgres ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return result("unknown", started, "invalid postgres URL", undefined, false);
  }
  const client = new pg.Client({
    connectionString: spec.url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: "opsdeck-probe",
  });
  client.on("error", () => undefined); // a connection lost after the probe is not our concern
  try {
    const version = await withDeadline(timeoutMs, async () => {
      await client.connect();
      const res = await client.query<{ one: number; version: string }>("select 1 as one, current_setting('server_version') as version");
      if (res.rows[0]?.one !== 1) throw new Error("SELECT 1 did not return 1");
      return res.rows[0].version;
    });
    return result("ok", started, `${where}: SELECT 1 ok (server ${version})`, { version });
  } catch (error) {
    return failure(error, started, timeoutMs, where);
  } finally {
    void client.end().catch(() => undefined);
  }
}
