/** ClickHouse probe: `/ping` on the HTTP interface, then `SELECT 1` (with the server version). */
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type ClickhouseProbeSpec = {
  /** HTTP(S) interface, e.g. http://127.0.0.1:8123 (no credentials in it). */
  url: string;
  username?: string;
  password?: string;
  database?: string;
  timeoutMs?: number;
};

export async function probeClickhouse(spec: ClickhouseProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let where = "clickhouse";
  try {
    const u = new URL(spec.url);
    where = `clickhouse ${u.host}`;
  } catch {
    return result("unknown", started, "invalid ClickHouse URL", undefined, false);
  }
  const client = createClient({
    url: spec.url,
    username: spec.username ?? "default",
    password: spec.password ?? "",
    database: spec.database ?? "default",
    request_timeout: timeoutMs,
    max_open_connections: 1,
    keep_alive: { enabled: false },
    // The probe reports failures itself; the client's own warnings would only add noise to the log.
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    return await withDeadline(timeoutMs, async () => {
      const ping = await client.ping();
      if (!ping.success) throw ping.error;
      const rs = await client.query({ query: "SELECT 1 AS one, version() AS version", format: "JSONEachRow" });
      const rows = await rs.json<{ one: number | string; version: string }>();
      if (Number(rows[0]?.one) !== 1) throw new Error("SELECT 1 did not return 1");
      const version = rows[0]?.version ?? "?";
      return result("ok", started, `${where}: ping ok, SELECT 1 ok (server ${version})`, { version });
    });
  } catch (error) {
    return failure(error, started, timeoutMs, where);
  } finally {
    void client.close().catch(() => undefined);
  }
}
