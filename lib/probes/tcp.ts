/** TCP probe: does something accept connections on host:port within the timeout. */
import net from "node:net";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type TcpProbeSpec = { host: string; port: number; timeoutMs?: number };

export async function probeTcp(spec: TcpProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const where = `${spec.host}:${spec.port}`;
  try {
    await withDeadline(
      timeoutMs,
      (signal) =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect({ host: spec.host, port: spec.port });
          const done = (error?: Error) => {
            socket.destroy();
            if (error) reject(error);
            else resolve();
          };
          socket.once("connect", () => done());
          socket.once("error", (error) => done(error));
          signal.addEventListener("abort", () => done(new Error("aborted")), { once: true });
        }),
    );
    return result("ok", started, `${where} accepts connections`);
  } catch (error) {
    return failure(error, started, timeoutMs, where);
  }
}
