/**
 * The audit hash chain: hash = sha256(prevHash || canonical JSON of the row's fields).
 * Canonical JSON: fixed field order, object keys sorted at every depth, so the hash computed at
 * write time and the one recomputed from the stored row (JSONB reorders keys) agree.
 */
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export type ChainedFields = {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  params: unknown;
  error: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string;
};

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function canonicalRow(f: ChainedFields): string {
  return canonicalJson([
    f.id,
    f.at.toISOString(),
    f.actorId,
    f.actorEmail,
    f.actorRole,
    f.action,
    f.resourceType,
    f.resourceId,
    f.outcome,
    f.params ?? null,
    f.error,
    f.ip,
    f.userAgent,
    f.requestId,
    f.correlationId,
  ]);
}

export function chainHash(prevHash: string, fields: ChainedFields): string {
  return createHash("sha256").update(prevHash).update(canonicalRow(fields)).digest("hex");
}
