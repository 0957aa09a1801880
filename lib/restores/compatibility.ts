/**
 * Can this backup be restored into this service at all? Refused, with the reason, when the engines
 * differ, when the dump comes from a newer major server version than the target runs (Postgres,
 * ClickHouse and Redis cannot load a newer major's dump or RDB reliably), or when the backup is
 * encrypted and none of the configured age identities is one of its recipients.
 */
import { identityToRecipient } from "age-encryption";
import { keyIdOf } from "../backups/encryption/age-keys";
import type { EngineKind } from "../backups/engines/types";
import type { Manifest } from "../backups/manifest";
import type { PreflightCheck } from "./restore-types";

/** The major version as a comparable tuple: Postgres before 10 is X.Y, everything else X. */
export function majorVersion(engine: EngineKind, version: string | null): number[] | null {
  if (!version) return null;
  const m = /(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return null;
  const first = Number(m[1]);
  if (engine === "postgres" && first < 10) return [first, Number(m[2] ?? 0)];
  return [first];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function engineCheck(manifest: Pick<Manifest, "engine" | "service">, targetKind: EngineKind, targetService: string): PreflightCheck {
  if (manifest.engine !== targetKind) {
    return { key: "engine", title: "Engine", result: "fail", detail: `This is a ${manifest.engine} backup (of ${manifest.service}); ${targetService} is a ${targetKind} service. A backup restores only into a service of the same engine.` };
  }
  return { key: "engine", title: "Engine", result: "ok", detail: `${manifest.engine} backup into a ${targetKind} service${manifest.service !== targetService ? ` (the backup is of ${manifest.service}, restored into ${targetService})` : ""}` };
}

export function versionCheck(engine: EngineKind, source: string | null, target: string | null): PreflightCheck {
  const s = majorVersion(engine, source);
  const t = majorVersion(engine, target);
  if (engine === "volume" || engine === "mongodb") return { key: "version", title: "Server version", result: "skipped", detail: "no version rule for this engine" };
  if (!s || !t) return { key: "version", title: "Server version", result: "warn", detail: `cannot compare versions (dump ${source ?? "unknown"}, target ${target ?? "unknown"})` };
  const c = compare(s, t);
  if (c > 0) {
    return { key: "version", title: "Server version", result: "fail", detail: `The dump comes from ${engine} ${source}, a newer major version than the target's ${target}; it cannot be restored into an older server. Upgrade the target first.` };
  }
  return { key: "version", title: "Server version", result: c < 0 ? "warn" : "ok", detail: c < 0 ? `dump from ${source}, restored into the newer ${target} (supported; check release notes)` : `dump ${source}, target ${target}` };
}

/** Whether a configured identity can open an encrypted backup. */
export async function encryptionKeyCheck(manifest: Pick<Manifest, "encryption">, identities: readonly string[]): Promise<PreflightCheck> {
  if (!manifest.encryption) return { key: "encryption-key", title: "Encryption key", result: "ok", detail: "the backup is not encrypted" };
  const have = new Set<string>();
  for (const identity of identities) have.add(keyIdOf(await identityToRecipient(identity)));
  const match = manifest.encryption.recipients.find((r) => have.has(r));
  if (!match) {
    return {
      key: "encryption-key",
      title: "Encryption key",
      result: "fail",
      detail: `The backup is encrypted to ${manifest.encryption.recipients.join(", ")}, and no configured age identity matches (BACKUP_AGE_IDENTITY_FILE / BACKUP_AGE_IDENTITY). Add the key it was made with.`,
    };
  }
  return { key: "encryption-key", title: "Encryption key", result: "ok", detail: `encrypted to ${match}, which is configured` };
}
