/**
 * TLS certificate probe: connect, read the peer certificate and report days until it expires
 * (warn under 7 days, critical under 1 by default). The chain is not required to verify (a
 * self-signed internal certificate still has an expiry worth watching); the detail says whether it did.
 */
import tls from "node:tls";
import { DEFAULT_THRESHOLDS, levelBelow, type LowerLimits } from "../docker/thresholds";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type TlsProbeSpec = {
  host: string;
  port?: number;
  /** SNI name (default: host when it is a name). */
  servername?: string;
  timeoutMs?: number;
  limits?: LowerLimits;
};

const DAY_MS = 86_400_000;

export async function probeTlsExpiry(spec: TlsProbeSpec, now: () => number = Date.now): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const port = spec.port ?? 443;
  const where = `${spec.servername ?? spec.host}:${port}`;
  try {
    const cert = await withDeadline(
      timeoutMs,
      (signal) =>
        new Promise<{ validTo: string; subject: string; issuer: string; authorized: boolean; authError: string | null }>((resolve, reject) => {
          const servername = spec.servername ?? (/^[\d.:]+$/.test(spec.host) ? undefined : spec.host);
          const socket = tls.connect({ host: spec.host, port, servername, rejectUnauthorized: false });
          const finish = (error?: Error) => {
            socket.destroy();
            if (error) reject(error);
          };
          socket.once("secureConnect", () => {
            const peer = socket.getPeerCertificate();
            if (!peer || !peer.valid_to) {
              finish(new Error("the server sent no certificate"));
              return;
            }
            resolve({
              validTo: peer.valid_to,
              subject: first(peer.subject?.CN),
              issuer: first(peer.issuer?.CN) || first(peer.issuer?.O),
              authorized: socket.authorized,
              authError: socket.authorizationError ? String(socket.authorizationError) : null,
            });
            finish();
          });
          socket.once("error", (error) => finish(error));
          signal.addEventListener("abort", () => finish(new Error("aborted")), { once: true });
        }),
    );
    const expires = Date.parse(cert.validTo);
    const daysLeft = Math.floor((expires - now()) / DAY_MS);
    const level = levelBelow(daysLeft, spec.limits ?? DEFAULT_THRESHOLDS.tlsDaysLeft);
    const trust = cert.authorized ? "trusted" : `not trusted: ${cert.authError ?? "unknown"}`;
    const when = daysLeft < 0 ? `expired ${-daysLeft} days ago` : `expires in ${daysLeft} days`;
    return result(level, started, `${where}: certificate ${cert.subject ? `for ${cert.subject} ` : ""}${when} (${new Date(expires).toISOString().slice(0, 10)}, ${trust})`, {
      daysLeft,
      validTo: new Date(expires).toISOString(),
      trusted: cert.authorized,
    }, level !== "critical");
  } catch (error) {
    return failure(error, started, timeoutMs, where);
  }
}

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}
