/**
 * The client's IP as the console's own server saw it. X-Forwarded-For is client-controlled except
 * for the entries appended by proxies we trust, so with N trusted hops the client is the N-th entry
 * from the right; with none, the socket's peer address. The result travels to Next.js in a header
 * the server overwrites on every request, so a client cannot set it.
 */
export const CLIENT_IP_HEADER = "x-opsdeck-client-ip";

export function clientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string | null {
  const peer = normalize(remoteAddress);
  if (trustedHops <= 0 || !forwardedFor) return peer;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  // The peer is the nearest trusted proxy; each further trusted proxy appended one entry.
  const index = entries.length - trustedHops;
  return index >= 0 ? (normalize(entries[index]) ?? peer) : (normalize(entries[0]) ?? peer);
}

function normalize(ip: string | undefined): string | null {
  if (!ip) return null;
  const v = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return /^[0-9a-fA-F:.]{2,45}$/.test(v) ? v : null;
}
