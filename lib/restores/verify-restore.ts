/**
 * After the restore: what the target holds, compared with the manifest.
 * - Postgres: every table of the dump exists (exact); rows are counted exactly (count(*)) and shown
 *   next to the manifest's figure, which is Postgres' estimate (reltuples) — a difference is a warning.
 * - ClickHouse: every table exists; MergeTree row counts must equal the manifest's (exact part counts).
 * - Redis: DBSIZE against the manifest's key count (keys with a TTL may have expired: a warning).
 * - Volume: every entry of the backup's tar is back with the same type and size (volume-restore.ts).
 */
import { chIdent, chQuery } from "../backups/engines/clickhouse";
import { execText } from "../backups/engines/command";
import { pgQueryCommand } from "../backups/engines/postgres";
import { redisCli } from "../backups/engines/redis";
import type { BackupTarget } from "../backups/engines/types";
import type { Manifest } from "../backups/manifest";
import type { Readable } from "node:stream";
import type { VerifyCheck } from "./restore-types";
import { verifyVolumeRestore } from "./volume-restore";

const EXACT_COUNTS = `select coalesce(json_agg(json_build_object('schema', n.nspname, 'name', c.relname,
    'rows', (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint)), '[]'::json)
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`;

export type RestoreVerification = { ok: boolean; checks: VerifyCheck[]; summary: string };

function summarize(checks: VerifyCheck[]): RestoreVerification {
  const fails = checks.filter((c) => c.result === "fail");
  const warns = checks.filter((c) => c.result === "warn");
  const summary = fails.length
    ? `${fails.length} check(s) failed: ${fails.map((f) => `${f.what} (expected ${f.expected}, found ${f.actual})`).slice(0, 5).join("; ")}`
    : `${checks.length} check(s) passed${warns.length ? `, ${warns.length} with a note` : ""}`;
  return { ok: fails.length === 0, checks, summary };
}

export async function verifyRestore(
  target: BackupTarget,
  manifest: Manifest,
  databases: Array<{ from: string; into: string }>,
  volume?: { backupTar: () => Promise<Readable>; dropAndReplace: boolean },
): Promise<RestoreVerification> {
  const checks: VerifyCheck[] = [];
  if (target.kind === "postgres") {
    for (const m of databases) {
      const expected = manifest.databases.find((d) => d.name === m.from)?.tables ?? [];
      const actual = JSON.parse((await execText(target, pgQueryCommand(target, m.into, EXACT_COUNTS), { timeoutMs: 30 * 60_000 })).trim()) as Array<{ schema: string; name: string; rows: number }>;
      const expectedTables = expected.filter((t) => t.dataDumped);
      checks.push({ what: `${m.into}: tables`, expected: expectedTables.length, actual: actual.filter((a) => expectedTables.some((e) => e.name === a.name && (e.schema ?? "public") === a.schema)).length, result: "ok" });
      for (const t of expectedTables) {
        const found = actual.find((a) => a.name === t.name && a.schema === (t.schema ?? "public"));
        if (!found) {
          checks.push({ what: `${m.into}.${t.schema ?? "public"}.${t.name}`, expected: t.rows, actual: null, result: "fail", detail: "missing after the restore" });
          continue;
        }
        const same = t.rows === null || Number(t.rows) === Number(found.rows);
        checks.push({ what: `${m.into}.${found.schema}.${found.name} rows`, expected: t.rows, actual: Number(found.rows), result: same ? "ok" : "warn", ...(same ? {} : { detail: "the manifest's figure is Postgres' estimate (reltuples)" }) });
      }
      const tablesCheck = checks.find((c) => c.what === `${m.into}: tables`)!;
      if (tablesCheck.actual !== tablesCheck.expected) tablesCheck.result = "fail";
      const extra = actual.filter((a) => !expectedTables.some((e) => e.name === a.name && (e.schema ?? "public") === a.schema));
      if (extra.length) checks.push({ what: `${m.into}: tables not in the backup`, expected: 0, actual: extra.length, result: "warn", detail: `${extra.map((e) => `${e.schema}.${e.name}`).slice(0, 10).join(", ")} (left by drop and replace: pg_restore --clean drops only what the dump holds)` });
    }
  } else if (target.kind === "clickhouse") {
    for (const m of databases) {
      const tables = manifest.databases.find((d) => d.name === m.from)?.tables ?? [];
      const present = new Set(
        (await execText(target, chQuery(target, `SELECT name FROM system.tables WHERE database = '${m.into.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}' FORMAT TSVRaw`)))
          .split("\n")
          .filter(Boolean),
      );
      for (const t of tables) {
        if (!present.has(t.name)) {
          checks.push({ what: `${m.into}.${t.name}`, expected: "present", actual: "missing", result: "fail" });
          continue;
        }
        if (!t.dataDumped) {
          checks.push({ what: `${m.into}.${t.name}`, expected: "present", actual: "present", result: "ok", detail: t.reason });
          continue;
        }
        const rows = Number((await execText(target, chQuery(target, `SELECT count() FROM ${chIdent(m.into)}.${chIdent(t.name)}`))).trim());
        checks.push({ what: `${m.into}.${t.name} rows`, expected: t.rows, actual: rows, result: t.rows === null || Number(t.rows) === rows ? "ok" : "fail" });
      }
    }
  } else if (target.kind === "redis") {
    const expected = (manifest.details as { dbsize?: number; keys?: number }).keys ?? (manifest.details as { dbsize?: number }).dbsize ?? null;
    const out = await execText(target, redisCli(target, "INFO", "keyspace"));
    const actual = [...out.matchAll(/keys=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
    checks.push({ what: "keys (every database)", expected, actual, result: expected === null || expected === actual ? "ok" : "warn", ...(expected === actual ? {} : { detail: "keys with a TTL may have expired since the backup" }) });
  } else if (target.kind === "volume") {
    if (!volume) throw new Error("a volume restore is verified against its backup's tar");
    checks.push(...(await verifyVolumeRestore(target, await volume.backupTar(), volume.dropAndReplace)));
  }
  return summarize(checks);
}
