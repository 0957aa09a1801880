import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import { executeAction } from "../actions/define-action";
import type { Role } from "../auth/policy";
import { isAppError } from "../errors/app-error";
import { appendAuditEvent } from "./append-audit-event";
import { updateRetentionPolicyAction } from "./audit-actions";
import type { AuditRecord } from "./audit-row";
import { GENESIS_HASH } from "./hash-chain";
import { runAuditRetention } from "./retention";
import { getRetentionPolicy, setRetentionPolicy } from "./retention-policy";
import { seedAuditChain, type SeedRow } from "./seed-audit-chain";
import { verifyAuditChain } from "./verify-audit-chain";

type Db = Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let db: Db;
let dataDir: string;
const DAY = 86_400_000;

beforeEach(async () => {
  db = await useMigratedTestDatabase("retention");
  dataDir = await mkdtemp(path.join(tmpdir(), "opsdeck-retention-"));
});
afterEach(async () => {
  await db.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

const ctxFor = (role: Role): ActionContext => ({
  actor: { userId: "00000000-0000-4000-8000-000000000001", email: `${role}@example.com`, role, sessionId: "s", mfaAt: new Date() },
  ip: "203.0.113.9",
  userAgent: "vitest",
  requestId: "req-1",
});

async function seed(rows: SeedRow[]) {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return await seedAuditChain(c, rows, { batchSize: 7 });
  } finally {
    await c.end();
  }
}

const oldRows = (n: number, daysAgo: number, now = Date.now()): SeedRow[] =>
  Array.from({ length: n }, (_, i) => ({
    at: new Date(now - daysAgo * DAY + i * 60_000),
    action: i % 2 ? "auth.signin" : "container.restart",
    resourceType: "test",
    resourceId: `old-${daysAgo}-${i}`,
    outcome: "succeeded",
    actor: { id: null, email: `u${i}@example.com`, role: "operator" },
    params: { i, note: "ünïcode ✓", password: "hunter2" },
  }));

type Row = { seq: string; id: string; hash: string; prev_hash: string; action: string; params: Record<string, unknown> | null; at: Date };
const allRows = () => superuserQuery<Row>(db.url, "select seq, id, hash, prev_hash, action, params, at from audit_events order by seq");

describe("audit retention", () => {
  it("archives exactly the removed rows (NDJSON.gz + sha256), purges them, leaves a checkpoint, and the chain still verifies", async () => {
    await seed(oldRows(30, 400));
    await seed(oldRows(5, 60));
    for (let i = 0; i < 3; i++) await appendAuditEvent({ action: "test.recent", resourceType: "test", outcome: "succeeded" });
    const before = await allRows();
    const doomed = before.slice(0, 30);

    const result = await runAuditRetention({ dataDir });
    expect(result.status).toBe("purged");
    if (result.status !== "purged") return;
    expect(result).toMatchObject({ days: 365, removed: 30, lastSeq: doomed[29]!.seq, firstSeq: doomed[0]!.seq, continuesFrom: doomed[29]!.hash });

    // The archive: final names only (no .partial left), and the gunzipped NDJSON is exactly the removed rows.
    const files = (await readdir(path.join(dataDir, "audit-archive"))).sort();
    expect(files).toEqual([result.archive.file, `${result.archive.file}.sha256`]);
    expect(result.archive.file).toMatch(/^audit-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.ndjson\.gz$/);
    const gz = await readFile(result.archive.path);
    const lines = gunzipSync(gz).toString("utf8").trimEnd().split("\n");
    const records = lines.map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.id)).toEqual(doomed.map((r) => r.id));
    expect(records[0]!.prevHash).toBe(GENESIS_HASH);
    expect(records[29]!.hash).toBe(result.continuesFrom);
    expect(records[3]!.params).toEqual({ i: 3, note: "ünïcode ✓", password: "[redacted]" });
    expect(records[0]!.at).toBe(doomed[0]!.at.toISOString());

    // sha256: of the file, in sha256sum format beside it, and recorded in the checkpoint row.
    const sha = createHash("sha256").update(gz).digest("hex");
    expect(result.archive.sha256).toBe(sha);
    expect(await readFile(`${result.archive.path}.sha256`, "utf8")).toBe(`${sha}  ${result.archive.file}\n`);

    const after = await allRows();
    expect(after.map((r) => r.id)).toEqual([...before.slice(30).map((r) => r.id), result.checkpointId]);
    const checkpoint = after[after.length - 1]!;
    expect(checkpoint.action).toBe("audit.retention.purge");
    expect(checkpoint.params).toMatchObject({ removed: 30, continuesFrom: doomed[29]!.hash, lastSeq: doomed[29]!.seq, archive: result.archive.file, archiveSha256: sha, days: 365 });
    expect(after[0]!.prev_hash).toBe(doomed[29]!.hash);

    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 9, anchor: { kind: "checkpoint", hash: doomed[29]!.hash } });

    // Nothing more is due: no archive, no row.
    expect(await runAuditRetention({ dataDir })).toMatchObject({ status: "nothing-to-purge" });
    expect(await allRows()).toHaveLength(9);

    // A second purge (policy 30 days) removes the 60-day-old rows; the first checkpoint stays (it is recent)
    // and the new checkpoint anchors the chain.
    await setRetentionPolicy(30);
    const second = await runAuditRetention({ dataDir });
    expect(second).toMatchObject({ status: "purged", removed: 5, days: 30, continuesFrom: before[34]!.hash });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 5, anchor: { kind: "checkpoint", hash: before[34]!.hash } });
    expect((await readdir(path.join(dataDir, "audit-archive"))).filter((f) => f.endsWith(".gz"))).toHaveLength(2);
  });

  it("after retention, rows removed from the start outside retention are still caught (anchor)", async () => {
    await seed(oldRows(10, 400));
    for (let i = 0; i < 4; i++) await appendAuditEvent({ action: "test.recent", resourceType: "test", outcome: "succeeded" });
    await runAuditRetention({ dataDir });
    const rows = await allRows();
    await superuserQuery(db.url, "alter table audit_events disable trigger audit_events_append_only");
    await superuserQuery(db.url, "delete from audit_events where id = $1", [rows[0]!.id]);
    await superuserQuery(db.url, "alter table audit_events enable trigger audit_events_append_only");
    expect(await verifyAuditChain()).toMatchObject({ ok: false, rows: 0, firstBad: { id: rows[1]!.id, reason: "anchor", actual: rows[0]!.hash } });
  });

  it("deleting the checkpoint row at the end of the chain is caught: the first row no longer matches the anchor", async () => {
    await seed(oldRows(10, 400));
    await appendAuditEvent({ action: "test.recent", resourceType: "test", outcome: "succeeded" });
    const result = await runAuditRetention({ dataDir });
    if (result.status !== "purged") throw new Error("expected a purge");
    await superuserQuery(db.url, "alter table audit_events disable trigger audit_events_append_only");
    await superuserQuery(db.url, "delete from audit_events where id = $1", [result.checkpointId]);
    await superuserQuery(db.url, "alter table audit_events enable trigger audit_events_append_only");
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBad: { reason: "anchor", expected: GENESIS_HASH } });
  });

  it("purges nothing when the archive cannot be written", async () => {
    await seed(oldRows(12, 400));
    await appendAuditEvent({ action: "test.recent", resourceType: "test", outcome: "succeeded" });
    await writeFile(path.join(dataDir, "audit-archive"), "not a directory"); // mkdir fails (root ignores permissions)
    const before = await allRows();
    const error = await runAuditRetention({ dataDir }).catch((e: unknown) => e);
    expect(isAppError(error) && error.userMessage).toMatch(/could not be written .* no audit rows were removed/);
    expect(await allRows()).toEqual(before);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 13, anchor: { kind: "genesis" } });
  });

  it("rolls back the purge and removes the archive when the checkpoint row cannot be written", async () => {
    await seed(oldRows(8, 400));
    await appendAuditEvent({ action: "test.recent", resourceType: "test", outcome: "succeeded" });
    const before = await allRows();
    await superuserQuery(
      db.url,
      `create function fail_checkpoint() returns trigger language plpgsql as $$
         begin if new.action = 'audit.retention.purge' then raise exception 'disk full'; end if; return new; end $$;
       create trigger fail_checkpoint before insert on audit_events for each row execute function fail_checkpoint();`,
    );
    await expect(runAuditRetention({ dataDir })).rejects.toThrow(/disk full/);
    expect(await allRows()).toEqual(before);
    expect(await readdir(path.join(dataDir, "audit-archive"))).toEqual([]);
  });

  it("the policy defaults to 365 days, refuses less than 30, and changing it is an audited admin action", async () => {
    expect(await getRetentionPolicy()).toMatchObject({ days: 365, isDefault: true });
    const low = await setRetentionPolicy(29).catch((e: unknown) => e);
    expect(isAppError(low) && low.code).toBe("INVALID_INPUT");
    expect(isAppError(low) && low.userMessage).toMatch(/at least 30 days/);

    const refused = await executeAction(updateRetentionPolicyAction, ctxFor("admin"), { days: "10" });
    expect(refused).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", fieldErrors: { days: [expect.stringMatching(/at least 30 days/)] } } });
    const denied = await executeAction(updateRetentionPolicyAction, ctxFor("auditor"), { days: "400" });
    expect(denied).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const changed = await executeAction(updateRetentionPolicyAction, ctxFor("admin"), { days: "2557" });
    expect(changed).toMatchObject({ ok: true, data: { days: 2557, isDefault: false } });
    expect(await getRetentionPolicy()).toMatchObject({ days: 2557 });

    const audit = await superuserQuery<{ outcome: string; actor_email: string; params: unknown; resource_id: string }>(
      db.url,
      "select outcome, actor_email, params, resource_id from audit_events where action = 'audit.retention.update' order by seq",
    );
    expect(audit).toEqual([
      { outcome: "denied", actor_email: "auditor@example.com", params: null, resource_id: null },
      { outcome: "started", actor_email: "admin@example.com", params: { days: 2557 }, resource_id: "audit.retention" },
      { outcome: "succeeded", actor_email: "admin@example.com", params: { days: 2557 }, resource_id: "audit.retention" },
    ]);
    // A value planted outside the console is not trusted below the minimum: the default applies.
    await superuserQuery(db.url, `update settings set value = '{"days": 3}' where key = 'audit.retention'`);
    expect(await getRetentionPolicy()).toMatchObject({ days: 365, isDefault: true });
  });
});
