/**
 * Redaction before storage (invariant 5): values under keys that look secret are replaced,
 * at any depth, in objects and arrays.
 */
export const REDACTED = "[redacted]";
export const SECRET_KEY_PATTERN = /password|secret|token|key|authorization|cookie/i;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (depth > 20) return "[too deep]";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEY_PATTERN.test(k) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  // Postgres text/jsonb cannot hold NUL: strip it so such input is still audited instead of failing the write.
  if (typeof value === "string" && value.includes("\u0000")) return value.replaceAll("\u0000", "");
  return value;
}
