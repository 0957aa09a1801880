import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import { performAction } from "../actions/perform-action";
import { pool } from "../db/pool";
import { appendAuditEvent } from "./append-audit-event";
import { chainHash, GENESIS_HASH } from "./hash-chain";
import { verifyAuditChain } from "./verify-audit-chain";

type Db = Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let db: Db | undefined;

async function freshDb(): Promise<Db> {
  // eslint-disable-next-line react-hooks/rules-of-hooks -- a test helper named like a hook, not a React hook
  db = await useMigratedTestDatabase("verify");
  return db;
}
afterEach(async () => {
  await db?.cleanup();
  db = undefined;
});

async function writeRows(n: number) {
  for (let i = 0; i < n; i++) {
    await appendAuditEvent({ action: `test.row.${i}`, resourceType: "test", resourceId: `r-${i}`, outcome: "succeeded", params: { i, nested: { b: 2, a: 1 } } });
  }
  return superuserQuery<{ seq: string; id: string; hash: string; prev_hash: string }>(db!.url, "select seq::text as seq, id, hash, prev_hash from audit_events order by seq");
}

/** Runs SQL as superuser with the append-only trigger disabled (what an attacker with DB access could do). */
async function tamper(sql: string, params: unknown[] = []) {
  await superuserQuery(
    db!.url,
    "alter table audit_events disable trigger audit_events_append_only",
  );
  try {
    await superuserQuery(db!.url, sql, params);
  } finally {
    await superuserQuery(db!.url, "alter table audit_events enable trigger audit_events_append_only");
  }
}

describe("verifyAuditChain", () => {
  it("is ok for an empty log and for an intact chain, reporting the head", async () => {
    await freshDb();
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 0, lastHash: null, anchor: { kind: "genesis" } });
    const rows = await writeRows(7);
    const result = await verifyAuditChain({ batchSize: 3 }); // several keyset batches
    expect(result).toMatchObject({ ok: true, rows: 7, firstSeq: rows[0]!.seq, lastSeq: rows[6]!.seq, lastHash: rows[6]!.hash });
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
  });

  it("names a middle row whose field was changed (reason hash)", async () => {
    await freshDb();
    const rows = await writeRows(9);
    const victim = rows[4]!;
    await tamper("update audit_events set resource_id = 'someone-else' where id = $1", [victim.id]);
    const result = await verifyAuditChain({ batchSize: 2 });
    expect(result).toMatchObject({ ok: false, rows: 4, firstBad: { seq: victim.seq, id: victim.id, reason: "hash", actual: victim.hash } });
  });

  it("detects a change inside params, even one JSONB would reorder", async () => {
    await freshDb();
    const rows = await writeRows(5);
    await tamper(`update audit_events set params = jsonb_set(params, '{nested,a}', '5') where id = $1`, [rows[2]!.id]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBad: { id: rows[2]!.id, reason: "hash" } });
  });

  it("names the row after a deleted middle row (reason link)", async () => {
    await freshDb();
    const rows = await writeRows(9);
    await tamper("delete from audit_events where id = $1", [rows[4]!.id]);
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ ok: false, rows: 4, firstBad: { seq: rows[5]!.seq, id: rows[5]!.id, reason: "link", expected: rows[3]!.hash, actual: rows[4]!.hash } });
  });

  it("catches a forged replacement row that carries a correctly recomputed hash of its own (link of the next row)", async () => {
    await freshDb();
    const rows = await writeRows(9);
    const victim = rows[4]!;
    const original = (await superuserQuery<Record<string, unknown>>(db!.url, "select * from audit_events where id = $1", [victim.id]))[0]!;
    // The forger rewrites the row and recomputes its hash from the real predecessor: the row itself verifies.
    const forgedHash = chainHash(victim.prev_hash, {
      id: victim.id,
      at: original.at as Date,
      actorId: null,
      actorEmail: null,
      actorRole: null,
      action: "test.row.4",
      resourceType: "test",
      resourceId: "innocent",
      outcome: "succeeded",
      params: { i: 4, nested: { a: 1, b: 2 } },
      error: null,
      ip: null,
      userAgent: null,
      requestId: null,
      correlationId: original.correlation_id as string,
    });
    await tamper("update audit_events set resource_id = 'innocent', hash = $2 where id = $1", [victim.id, forgedHash]);
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ ok: false, rows: 5, firstBad: { seq: rows[5]!.seq, id: rows[5]!.id, reason: "link", expected: forgedHash, actual: victim.hash } });
  });

  it("names the first row when rows were removed from the start outside retention (reason anchor)", async () => {
    await freshDb();
    const rows = await writeRows(5);
    await tamper("delete from audit_events where seq <= $1", [rows[1]!.seq]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, rows: 0, firstBad: { id: rows[2]!.id, reason: "anchor", expected: GENESIS_HASH, actual: rows[1]!.hash } });
  });

  it("the database refuses UPDATE, DELETE and TRUNCATE from the console's connection", async () => {
    await freshDb();
    const rows = await writeRows(3);
    await expect(pool().query("update audit_events set action = 'x' where id = $1", [rows[1]!.id])).rejects.toThrow(/append-only: UPDATE is not allowed/);
    await expect(pool().query("delete from audit_events where id = $1", [rows[1]!.id])).rejects.toThrow(/append-only: DELETE is not allowed/);
    await expect(pool().query("truncate audit_events")).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
    // Setting the purge flag by hand does not open UPDATE, and TRUNCATE stays refused.
    const c = new pg.Client({ connectionString: db!.url });
    await c.connect();
    try {
      await c.query("begin");
      await c.query("select set_config('opsdeck.audit_purge', 'on', true)");
      await expect(c.query("update audit_events set action = 'x'")).rejects.toThrow(/UPDATE is not allowed/);
      await c.query("rollback");
    } finally {
      await c.end();
    }
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 3 });
  });

  it("group commit: concurrent appends share transactions, yet a row that cannot be stored fails alone", async () => {
    await freshDb();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => appendAuditEvent({ action: i === 7 ? "bad\u0000action" : `group.${i}`, resourceType: "test", outcome: "succeeded" })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map((_, i) => (i === 7 ? "rejected" : "fulfilled")));
    const rows = await superuserQuery<{ action: string }>(db!.url, "select action from audit_events order by seq");
    expect(rows.map((r) => r.action).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `group.${i}`).filter((a) => a !== "group.7").sort());
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 11 });
  });

  it("200 audited actions from 20 parallel callers form one valid chain", async () => {
    await freshDb();
    const ctx = (n: number): ActionContext => ({
      actor: { userId: "00000000-0000-4000-8000-0000000000aa", email: `caller${n}@example.com`, role: "admin", sessionId: "s", mfaAt: new Date() },
      ip: "198.51.100.7",
      userAgent: "vitest",
      requestId: `req-${n}`,
    });
    await Promise.all(
      Array.from({ length: 20 }, async (_, caller) => {
        for (let i = 0; i < 10; i++) {
          await performAction(ctx(caller), { action: "test.concurrent", permission: "settings.manage", resource: { type: "test", id: `${caller}-${i}` }, params: { caller, i } }, async () => i);
        }
      }),
    );
    const result = await verifyAuditChain({ batchSize: 64 });
    expect(result).toMatchObject({ ok: true, rows: 400 });
    // seq order is the chain order: every row's prev_hash is the hash of the row before it by seq.
    const broken = await superuserQuery(db!.url, `select seq from (select seq, prev_hash, lag(hash) over (order by seq) as prev from audit_events) t where prev is not null and prev_hash <> prev`);
    expect(broken).toEqual([]);
    const pairs = await superuserQuery<{ outcomes: string[] }>(db!.url, "select array_agg(outcome::text order by seq) as outcomes from audit_events group by correlation_id");
    expect(pairs).toHaveLength(200);
    expect(pairs.every((p) => p.outcomes.join() === "started,succeeded")).toBe(true);
  });
});
