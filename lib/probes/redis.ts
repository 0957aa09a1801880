/** Redis probe: connect and PING (AUTH first when the URL has a password) within the timeout. */
import { Redis } from "ioredis";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type RedisProbeSpec = {
  /** redis://[:password@]host:port[/db] (rediss:// for TLS). */
  url: string;
  timeoutMs?: number;
};

export async function probeRedis(spec: RedisProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let where = "redis";
  try {
    const u = new URL(spec.url);
    where = `redis ${u.hostname}:${u.port || 6379}`;
  } catch {
    return result("unknown", started, "invalid redis URL", undefined, false);
  }
  const client = new Redis(spec.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // The ready check (INFO) would hide an auth error behind "Connection is closed"; PING reports it.
    enableReadyCheck: false,
    retryStrategy: () => null, // one attempt: a probe reports, it does not retry
    reconnectOnError: () => false,
  });
  // The handshake's error (e.g. NOAUTH) arrives as an event, the command then only sees "Connection is closed".
  let handshakeError: Error | undefined;
  client.on("error", (error: Error) => {
    handshakeError ??= error;
  });
  try {
    const pong = await withDeadline(timeoutMs, async () => {
      await client.connect();
      return client.ping();
    });
    if (pong !== "PONG") return result("critical", started, `${where}: PING answered ${JSON.stringify(pong)}`);
    return result("ok", started, `${where}: PONG`);
  } catch (error) {
    const closed = error instanceof Error && /connection is closed/i.test(error.message);
    return failure(closed && handshakeError ? handshakeError : error, started, timeoutMs, where);
  } finally {
    client.disconnect();
  }
}
