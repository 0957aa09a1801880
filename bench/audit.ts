/**
 * The audit log at 1,000,000 rows, on a dedicated embedded Postgres, each measurement beside a plain
 * SQL peer on the same rows in the same run:
 * - filtered first page and a page deep in the results (keyset) vs `ORDER BY seq DESC LIMIT 50 OFFSET n`;
 * - NDJSON export of every row (seconds, peak RSS of a child process) vs `psql \copy` of the same rows as JSON;
 * - audited actions per second from 8 parallel writers (performAction: two chained rows per action)
 *   vs the same two rows per action INSERTed into an identical table without the chain;
 * - verifyAuditChain over every row vs `psql \copy` of every row (the cost of reading them at all).
 * `npm run bench -- audit`; AUDIT_BENCH_ROWS overrides the row count; AUDIT_BENCH_DIR keeps the seeded
 * database in that directory and reuses it on the next run (seeding 1M rows takes minutes).
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { ActionContext } from "../lib/actions/action-context";
import { performAction } from "../lib/actions/perform-action";
import { queryAuditPage } from "../lib/audit/query-audit";
import { seedAuditChain, type SeedRow } from "../lib/audit/seed-audit-chain";
import { verifyAuditChain } from "../lib/audit/verify-audit-chain";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { closePool, pool } from "../lib/db/pool";
import { setLogLevel } from "../lib/log/logger";

const ACTIONS = ["auth.signin", "auth.signin", "auth.signin", "auth.signout", "container.restart", "container.logs.view", "backup.run", "user.role.change", "privacy.check.run", "audit.export"];
const OUTCOMES = ["started", "succeeded", "succeeded", "started", "succeeded", "failed", "started", "denied"] as const;
const EMAILS = Array.from({ length: 40 }, (_, i) => `user${i}@example.com`);

function* rows(n: number, start: number): Generator<SeedRow> {
  for (let i = 0; i < n; i++) {
    const action = ACTIONS[i % ACTIONS.length]!;
    const outcome = OUTCOMES[i % OUTCOMES.length]!;
    yield {
      at: new Date(start + i * 25), // 1M rows over ~7 hours
      action,
      resourceType: action.split(".")[0]!,
      resourceId: `svc-${i % 97}`,
      outcome,
      actor: i % 17 === 0 ? null : { id: `00000000-0000-4000-8000-${String(i % 40).padStart(12, "0")}`, email: EMAILS[i % 40]!, role: "operator" },
      params: { service: `svc-${i % 97}`, attempt: i % 3 },
      error: outcome === "failed" ? `exit code ${i % 255}` : null,
      ip: `10.1.${(i >> 8) & 255}.${i & 255}`,
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131",
      requestId: null,
    };
  }
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95) };
};
const fmtMs = ({ median, p95 }: { median: number; p95: number }) => `${median.toFixed(2)} / ${p95.toFixed(2)} ms`;

async function time(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS (MiB), stdout discarded. */
async function measured(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; rssMiB: number; stderr: string }> {
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-v", cmd, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${cmd} failed (${code}): ${stderr.slice(-2000)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
  return { seconds, rssMiB: rss, stderr };
}

async function writers(n: number, perWriter: number, one: (w: number, i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, async (_, w) => {
    for (let i = 0; i < perWriter; i++) await one(w, i);
  }));
  return (n * perWriter) / ((performance.now() - started) / 1000);
}

export async function benchAudit(): Promise<string[][]> {
  setLogLevel("warn");
  const total = Number(rawEnv().AUDIT_BENCH_ROWS ?? 1_000_000);
  const keepDir = rawEnv().AUDIT_BENCH_DIR;
  const dir = keepDir ? path.resolve(keepDir) : await mkdtemp(path.join(tmpdir(), "opsdeck-bench-audit-"));
  const db = await startEmbeddedPostgres(dir);
  const out: string[][] = [];
  const label = `${total.toLocaleString("en-US")} rows`;
  try {
    await migrate(db.url);
    publishRuntimeEnv({ DATABASE_URL: db.url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: dir });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();

    // Seed: a valid chain, built like appendAuditEvent builds it. The trigram index is built after
    // the load (as a restore would), everything else is maintained row by row.
    const existing = Number((await client.query<{ n: string }>("select count(*) as n from audit_events")).rows[0]!.n);
    if (existing < total) {
      process.stderr.write(`  seeding ${label}…\n`);
      const seedStart = performance.now();
      const trgm = (await client.query<{ def: string }>("select indexdef as def from pg_indexes where indexname = 'audit_events_search_trgm_idx'")).rows[0]?.def;
      if (trgm) await client.query("drop index audit_events_search_trgm_idx");
      await seedAuditChain(client, rows(total - existing, Date.now() - total * 25 - 3_600_000), { batchSize: 5000 });
      if (trgm) await client.query(trgm);
      process.stderr.write(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s\n`);
    }
    await client.query("vacuum analyze audit_events");

    // 1. Filtered first page, and deep pages: keyset vs OFFSET.
    const runs = 50;
    const first = stats(await time(runs, () => queryAuditPage({ filter: { action: "container", outcome: "failed" }, limit: 50 })));
    const firstPeer = stats(
      await time(runs, () =>
        pool().query("select * from audit_events where (action = 'container' or action like 'container.%') and outcome = 'failed' order by seq desc limit 50"),
      ),
    );
    out.push(["audit page, filtered first page (action=container, outcome=failed), median / p95", label, fmtMs(first), fmtMs(firstPeer), `${(first.median - firstPeer.median).toFixed(2)} ms`]);

    // Free text: a term common in recent rows (found by the recent-window scan) and a rare one (trigram index).
    for (const [q, kind] of [["exit code 17", "common term"], ["exit code 254", "rare term"]] as const) {
      const ours = stats(await time(runs, () => queryAuditPage({ filter: { q }, limit: 50 })));
      const peer = stats(await time(runs, () => pool().query(`select * from audit_events where error ilike '%${q}%' order by seq desc limit 50`)));
      out.push([`audit page, free text, ${kind} (q="${q}"; peer searches the error column only), median / p95`, label, fmtMs(ours), fmtMs(peer), `${(ours.median - peer.median).toFixed(2)} ms`]);
    }

    const depth = Math.floor(total * 0.9);
    const cursor = (await client.query<{ seq: string }>("select seq from audit_events order by seq desc offset $1 limit 1", [depth])).rows[0]!.seq;
    const deep = stats(await time(runs, () => queryAuditPage({ filter: {}, before: String(BigInt(cursor) + 1n), limit: 50 })));
    const deepPeer = stats(await time(runs, () => pool().query(`select * from audit_events order by seq desc limit 50 offset ${depth}`)));
    out.push([`audit page ${(depth / 50 + 1).toLocaleString("en-US")} (row ${depth.toLocaleString("en-US")}), keyset vs OFFSET, median / p95`, label, fmtMs(deep), fmtMs(deepPeer), `${(deep.median - deepPeer.median).toFixed(2)} ms`]);

    const filteredWhere = "action = 'container.restart' and outcome = 'succeeded'";
    const filteredCount = Number((await client.query<{ n: string }>(`select count(*) as n from audit_events where ${filteredWhere}`)).rows[0]!.n);
    const filteredDepth = Math.floor(filteredCount * 0.9);
    const filteredCursor = (await client.query<{ seq: string }>(`select seq from audit_events where ${filteredWhere} order by seq desc offset $1 limit 1`, [filteredDepth])).rows[0]!.seq;
    const deepFiltered = stats(await time(runs, () => queryAuditPage({ filter: { action: "container.restart", outcome: "succeeded" }, before: String(BigInt(filteredCursor) + 1n), limit: 50 })));
    const deepFilteredPeer = stats(await time(runs, () => pool().query(`select * from audit_events where ${filteredWhere} order by seq desc limit 50 offset ${filteredDepth}`)));
    out.push([`audit page deep in a filtered result (row ${filteredDepth.toLocaleString("en-US")} of ${filteredCount.toLocaleString("en-US")}), keyset vs OFFSET, median / p95`, label, fmtMs(deepFiltered), fmtMs(deepFilteredPeer), `${(deepFiltered.median - deepFilteredPeer.median).toFixed(2)} ms`]);

    // 2. NDJSON export of every row, in a child process (peak RSS) vs psql \copy of the same rows as JSON.
    process.stderr.write("  export…\n");
    const env = { ...process.env, AUDIT_BENCH_URL: db.url, LOG_LEVEL: "warn" };
    const exp = await measured(path.resolve("node_modules/.bin/tsx"), [path.resolve("bench/audit-export-child.ts")], env);
    const exportedRows = /rows=(\d+)/.exec(exp.stderr)?.[1];
    const copyJson = await measured(
      "psql",
      [db.url, "-X", "-q", "-c", "\\copy (select row_to_json(e) from (select * from audit_events order by seq) e) to stdout"],
      env,
    );
    out.push([`NDJSON export of every row (${Number(exportedRows).toLocaleString("en-US")} rows): time`, label, `${exp.seconds.toFixed(1)} s`, `${copyJson.seconds.toFixed(1)} s`, `${(exp.seconds / copyJson.seconds).toFixed(1)}×`]);
    out.push(["NDJSON export of every row: peak RSS (whole process)", label, `${exp.rssMiB.toFixed(0)} MiB`, `${copyJson.rssMiB.toFixed(0)} MiB (psql)`, `${(exp.rssMiB - copyJson.rssMiB).toFixed(0)} MiB`]);
    // Constant memory, shown: the same export with the V8 heap capped at 48 MiB still completes.
    const capped = await measured(path.resolve("node_modules/.bin/tsx"), [path.resolve("bench/audit-export-child.ts")], { ...env, NODE_OPTIONS: "--max-old-space-size=48" });
    out.push(["NDJSON export, V8 heap capped at 48 MiB: completes; time / peak RSS", label, `${capped.seconds.toFixed(1)} s / ${capped.rssMiB.toFixed(0)} MiB`, `${copyJson.seconds.toFixed(1)} s / ${copyJson.rssMiB.toFixed(0)} MiB`, `rows=${/rows=(\d+)/.exec(capped.stderr)?.[1] ?? "?"}`]);

    // 3. Audited actions per second, 8 parallel writers through the console's pool.
    process.stderr.write("  writers…\n");
    const ctx = (w: number): ActionContext => ({
      actor: { userId: randomUUID(), email: `writer${w}@example.com`, role: "admin", sessionId: "bench", mfaAt: new Date() },
      ip: "127.0.0.1",
      userAgent: "bench",
      requestId: "bench",
    });
    const perWriter = 250;
    const audited = await writers(8, perWriter, (w, i) =>
      performAction(ctx(w), { action: "bench.write", permission: "settings.manage", resource: { type: "bench", id: `${w}-${i}` }, params: { w, i } }, async () => i),
    );
    // Same columns and indexes, its own sequence (LIKE … INCLUDING ALL would share audit_events' seq sequence).
    await client.query("drop table if exists audit_events_plain");
    await client.query("drop sequence if exists audit_events_plain_seq");
    await client.query("create table audit_events_plain (like audit_events including indexes including constraints)");
    await client.query("create sequence audit_events_plain_seq owned by audit_events_plain.seq");
    await client.query("alter table audit_events_plain alter column seq set default nextval('audit_events_plain_seq')");
    const insertPlain = (w: number, i: number, outcome: string) =>
      pool().query(
        `insert into audit_events_plain (id, at, actor_email, actor_role, action, resource_type, resource_id, outcome, params, ip, user_agent, request_id, correlation_id, prev_hash, hash)
         values ($1, now(), $2, 'admin', 'bench.write', 'bench', $3, $4, $5, '127.0.0.1', 'bench', 'bench', $6, $7, $7)`,
        [randomUUID(), `writer${w}@example.com`, `${w}-${i}`, outcome, JSON.stringify({ w, i }), randomUUID(), "0".repeat(64)],
      );
    const plain = await writers(8, perWriter, async (w, i) => {
      await insertPlain(w, i, "started");
      await insertPlain(w, i, "succeeded");
    });
    out.push(["audited actions/s, 8 parallel writers (2 chained rows each: started + outcome)", label, `${audited.toFixed(0)} /s`, `${plain.toFixed(0)} /s`, `${((1 - audited / plain) * 100).toFixed(0)}% slower`]);

    // 4. Verify the whole chain vs reading every row once.
    process.stderr.write("  verify…\n");
    const v0 = performance.now();
    const verified = await verifyAuditChain({ connectionString: db.url, batchSize: 5000 });
    const verifySeconds = (performance.now() - v0) / 1000;
    if (!verified.ok) throw new Error(`bench chain does not verify: ${JSON.stringify(verified.firstBad)}`);
    const copyRaw = await measured("psql", [db.url, "-X", "-q", "-c", "\\copy (select * from audit_events order by seq) to stdout"], env);
    out.push([`verifyAuditChain over every row (${verified.rows.toLocaleString("en-US")} rows)`, label, `${verifySeconds.toFixed(1)} s`, `${copyRaw.seconds.toFixed(1)} s`, `${(verifySeconds / copyRaw.seconds).toFixed(1)}×`]);

    await client.end();
    return out;
  } finally {
    await closePool().catch(() => undefined);
    await db.stop();
    if (!keepDir) await rm(dir, { recursive: true, force: true });
  }
}
