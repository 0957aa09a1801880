import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import type { Role } from "../auth/policy";
import { timeBounds, type AuditFilter } from "./audit-filter";
import { AUDIT_RECORD_FIELDS, type AuditRecord } from "./audit-row";
import { auditExportChunks } from "./export-audit";
import { auditExportResponse } from "./export-response";
import { getAuditEvent, listAuditFacets, queryAuditPage } from "./query-audit";
import { seedAuditChain, type SeedRow } from "./seed-audit-chain";

const N = 1300;
const ACTIONS = ["user", "user.role.change", "user.create", "username.change", "auth.signin", "auth.signout", "container.restart", "backup.run", "privacy.check"];
const TYPES = ["user", "session", "container", "backup"];
const OUTCOMES = ["started", "succeeded", "failed", "denied"] as const;
const ACTORS = [
  { id: "0b3a1c2d-0000-4000-8000-000000000001", email: "Ann@Example.com", role: "admin" },
  { id: "0b3a1c2d-0000-4000-8000-000000000002", email: "bob@example.com", role: "operator" },
  { id: "0b3a1c2d-0000-4000-8000-000000000003", email: "carol@ops.example.org", role: "viewer" },
];
const BASE = Date.now() - 2 * 86_400_000;

type Seeded = SeedRow & { seq: string; id: string };

function seedRows(): SeedRow[] {
  return Array.from({ length: N }, (_, i) => ({
    at: new Date(BASE + i * 60_000),
    action: ACTIONS[i % ACTIONS.length]!,
    resourceType: TYPES[i % TYPES.length]!,
    resourceId: i % 97 === 0 ? `quota-100%-${i}` : `res-${i}`,
    outcome: OUTCOMES[i % 4]!,
    actor: i % 5 === 0 ? null : ACTORS[i % 3]!,
    error: i % 11 === 0 ? `Disk full on node-${i}` : null,
    params: { i, host: i % 13 === 0 ? "db-primary" : "web", token: "s3cr3t" },
    ip: `10.0.${i % 7}.1`,
  }));
}

/** The filter semantics, written independently of the SQL. */
function matches(r: SeedRow, f: AuditFilter): boolean {
  if (f.action) {
    if (f.action.endsWith("*") ? !r.action.startsWith(f.action.slice(0, -1)) : !(r.action === f.action || r.action.startsWith(`${f.action}.`))) return false;
  }
  if (f.resource && r.resourceType !== f.resource) return false;
  if (f.actor) {
    const email = r.actor?.email?.toLowerCase() ?? null;
    if (/^[0-9a-f-]{36}$/i.test(f.actor)) {
      if (r.actor?.id !== f.actor.toLowerCase()) return false;
    } else if (f.actor.includes("@")) {
      if (email !== f.actor.toLowerCase()) return false;
    } else if (!email?.includes(f.actor.toLowerCase())) return false;
  }
  if (f.outcome && r.outcome !== f.outcome) return false;
  if (f.from && r.at < timeBounds(f.from)!.start) return false;
  if (f.to && r.at >= timeBounds(f.to)!.end) return false;
  if (f.q) {
    const text = [r.action, r.resourceId ?? "", r.actor?.email ?? "", r.error ?? "", JSON.stringify(r.params)].join(" ").toLowerCase();
    if (!text.includes(f.q.toLowerCase())) return false;
  }
  return true;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";
const FILTERS: AuditFilter[] = [
  {},
  { action: "user" },
  { action: "auth.sign*" },
  { resource: "container", outcome: "failed" },
  { actor: "ann@example.com" },
  { actor: ACTORS[1]!.id.toUpperCase() },
  { actor: "ops.example" },
  { from: iso(BASE + 100 * 60_000), to: iso(BASE + 400 * 60_000) },
  { q: "DB-PRIMARY" },
  { q: "disk full", outcome: "started" },
  { q: "100%" },
  { q: "ann@", action: "user" },
  { action: "nothing.matches" },
];

/** RFC 4180 reader, enough for csv-stringify's output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

const ctxFor = (role: Role | null): ActionContext => ({
  actor: role ? { userId: "00000000-0000-4000-8000-000000000009", email: `${role}@example.com`, role, sessionId: "s", mfaAt: new Date() } : null,
  ip: "203.0.113.9",
  userAgent: "vitest",
  requestId: `req-${role}`,
});

describe("audit query and export", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let seeded: Seeded[];
  beforeAll(async () => {
    db = await useMigratedTestDatabase("query");
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const rows = seedRows();
    await seedAuditChain(c, rows, { batchSize: 500 });
    const stored = await c.query<{ seq: string; id: string }>("select seq, id from audit_events order by seq");
    await c.end();
    seeded = rows.map((r, i) => ({ ...r, seq: stored.rows[i]!.seq, id: stored.rows[i]!.id }));
  });
  afterAll(async () => db.cleanup());

  const expectedIds = (f: AuditFilter) =>
    seeded
      .filter((r) => matches(r, f))
      .map((r) => r.id);

  // recentWindow 150: free-text pages mix the recent-window scan and the index fallback.
  it.each(FILTERS.flatMap((f) => [[JSON.stringify(f), f, undefined], [`${JSON.stringify(f)} (small recent window)`, f, 150]] as const))("keyset pages for %s are ordered, disjoint and complete", async (_name, filter, recentWindow) => {
    const expected = expectedIds(filter).reverse(); // newest first
    const pages: string[][] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await queryAuditPage({ filter, before, limit: 37, recentWindow });
      expect(page.rows.length).toBeLessThanOrEqual(37);
      pages.push(page.rows.map((r) => r.id));
      const seqs = page.rows.map((r) => BigInt(r.seq));
      expect(seqs.every((s, i) => i === 0 || s < seqs[i - 1]!)).toBe(true);
      if (!page.nextCursor) break;
      expect(page.rows).toHaveLength(37);
      before = page.nextCursor;
    }
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length); // disjoint
    expect(all).toEqual(expected); // complete and in order
    if (pages.length >= 3) {
      // "← Newer" from the third page lands exactly on the second.
      const page = (before?: string) => queryAuditPage({ filter, before, limit: 37, recentWindow });
      const third = await page((await page((await page()).nextCursor!)).nextCursor!);
      const back = await queryAuditPage({ filter, after: third.prevCursor!, limit: 37, recentWindow });
      expect(back.rows.map((r) => r.id)).toEqual(pages[1]);
      const first = await queryAuditPage({ filter, after: back.prevCursor!, limit: 37, recentWindow });
      expect(first.rows.map((r) => r.id)).toEqual(pages[0]);
      expect(first.prevCursor).toBeNull();
    }
  });

  it("returns trimmed list rows and full details with correlated rows", async () => {
    const page = await queryAuditPage({ filter: { actor: "bob@example.com" }, limit: 1 });
    const row = page.rows[0]!;
    expect(Object.keys(row).sort()).toEqual(["action", "actorEmail", "actorId", "actorRole", "at", "correlationId", "error", "id", "ip", "outcome", "resourceId", "resourceType", "seq"]);
    const details = await getAuditEvent(row.id);
    expect(details?.event).toMatchObject({ id: row.id, seq: row.seq, actorEmail: "bob@example.com", prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(details?.event.params).toMatchObject({ token: "[redacted]" });
    expect(await getAuditEvent("not-a-uuid")).toBeNull();
    expect(await getAuditEvent("00000000-0000-4000-8000-00000000ffff")).toBeNull();

    const correlation = "5e1f0000-0000-4000-8000-000000000042";
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await seedAuditChain(c, [
      { at: new Date(), action: "corr.test", resourceType: "t", outcome: "started", correlationId: correlation },
      { at: new Date(), action: "corr.test", resourceType: "t", outcome: "failed", correlationId: correlation, error: "boom" },
    ]);
    await c.end();
    const started = (await queryAuditPage({ filter: { action: "corr.test", outcome: "started" } })).rows[0]!;
    const withRelated = await getAuditEvent(started.id);
    expect(withRelated?.related.map((r) => [r.outcome, r.error])).toEqual([["failed", "boom"]]);
  });

  it("lists distinct actions and resource types for suggestions", async () => {
    const facets = await listAuditFacets();
    expect(facets.actions).toEqual(expect.arrayContaining(ACTIONS));
    expect(facets.resourceTypes).toEqual(expect.arrayContaining(TYPES));
  });

  it.each([
    [{}],
    [{ action: "user" }],
    [{ q: "disk full" }],
    [{ action: "nothing.matches" }],
  ] as [AuditFilter][])("export of %j streams every matching row as CSV and as NDJSON, in chain order", async (filter) => {
    const expected = expectedIds(filter).filter((id) => seeded.some((s) => s.id === id));
    const head = seeded[seeded.length - 1]!.seq;
    let csv = "";
    const stats = { rows: 0 };
    let chunks = 0;
    for await (const chunk of auditExportChunks(filter, "csv", stats, { batchSize: 100 })) {
      csv += chunk;
      chunks++;
    }
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const table = parseCsv(csv.slice(1));
    expect(table[0]).toEqual([...AUDIT_RECORD_FIELDS]);
    const body = table.slice(1).filter((r) => BigInt(r[0]!) <= BigInt(head));
    expect(body.map((r) => r[1])).toEqual(expected);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(expected.length / 100)); // streamed in batches, not one buffer
    if (body.length) {
      const params = JSON.parse(body[0]![AUDIT_RECORD_FIELDS.indexOf("params")]!) as Record<string, unknown>;
      expect(params.token).toBe("[redacted]");
    }

    let ndjson = "";
    for await (const chunk of auditExportChunks(filter, "ndjson", { rows: 0 }, { batchSize: 100 })) ndjson += chunk;
    const lines = ndjson.split("\n").filter(Boolean);
    const records = lines.map((l) => JSON.parse(l) as AuditRecord).filter((r) => BigInt(r.seq) <= BigInt(head));
    expect(records.map((r) => r.id)).toEqual(expected);
    expect(ndjson === "" || ndjson.endsWith("\n")).toBe(true);
  });

  it("CSV cells that would start a spreadsheet formula are neutralised", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await seedAuditChain(c, [{ at: new Date(), action: "formula.test", resourceType: "t", resourceId: "=HYPERLINK(\"http://evil\")", outcome: "failed", error: "+1-2" }]);
    await c.end();
    let csv = "";
    for await (const chunk of auditExportChunks({ action: "formula.test" }, "csv")) csv += chunk;
    const row = parseCsv(csv.slice(1))[1]!;
    expect(row[AUDIT_RECORD_FIELDS.indexOf("resourceId")]).toBe("'=HYPERLINK(\"http://evil\")");
    expect(row[AUDIT_RECORD_FIELDS.indexOf("error")]).toBe("'+1-2");
  });

  describe("GET /api/audit/export", () => {
    const exportRows = () =>
      superuserQuery<{ outcome: string; actor_email: string | null; params: unknown; error: string | null }>(
        db.url,
        "select outcome, actor_email, params, error from audit_events where action = 'audit.export' order by seq",
      );

    it("refuses anonymous (401) and forbidden (403) callers with JSON, each audited as denied", async () => {
      const anon = await auditExportResponse(ctxFor(null), new URLSearchParams("format=csv"));
      expect(anon.status).toBe(401);
      expect(await anon.json()).toMatchObject({ error: { code: "UNAUTHENTICATED", message: expect.stringMatching(/Sign in again/) } });
      const viewer = await auditExportResponse(ctxFor("viewer"), new URLSearchParams("format=csv"));
      expect(viewer.status).toBe(403);
      expect(await viewer.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
      expect((await exportRows()).map((r) => [r.outcome, r.actor_email])).toEqual([
        ["denied", null],
        ["denied", "viewer@example.com"],
      ]);
    });

    it("rejects an invalid request with 400 and field errors", async () => {
      const res = await auditExportResponse(ctxFor("auditor"), new URLSearchParams("format=xlsx&from=soon"));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "INVALID_INPUT", fieldErrors: { format: [expect.any(String)], from: [expect.any(String)] } } });
    });

    it("streams the filtered export as an attachment; started is written before, succeeded after", async () => {
      const before = (await exportRows()).length;
      const res = await auditExportResponse(ctxFor("auditor"), new URLSearchParams("format=ndjson&resource=container&outcome=failed"), { batchSize: 10 });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="opsdeck-audit-\d{8}T\d{6}Z\.ndjson"$/);
      expect((await exportRows()).slice(before).map((r) => r.outcome)).toEqual(["started"]); // committed before the first byte
      const lines = (await res.text()).split("\n").filter(Boolean);
      expect(lines.map((l) => (JSON.parse(l) as AuditRecord).id)).toEqual(expectedIds({ resource: "container", outcome: "failed" }));
      // The outcome row is written as the stream ends.
      await expect.poll(async () => (await exportRows()).slice(before).map((r) => r.outcome), { timeout: 10_000 }).toEqual(["started", "succeeded"]);
      const rows = (await exportRows()).slice(before);
      expect(rows[0]!.params).toEqual({ format: "ndjson", filter: { resource: "container", outcome: "failed" } });
      expect(rows[0]!.actor_email).toBe("auditor@example.com");
    });

    it("a cancelled download is recorded as failed, and the producer stops (backpressure)", async () => {
      const before = (await exportRows()).length;
      const res = await auditExportResponse(ctxFor("admin"), new URLSearchParams("format=csv"), { batchSize: 10 });
      const reader = res.body!.getReader();
      await reader.read();
      await reader.read();
      await reader.cancel();
      await expect.poll(async () => (await exportRows()).slice(before).map((r) => r.outcome), { timeout: 10_000 }).toEqual(["started", "failed"]);
      const rows = (await exportRows()).slice(before);
      const sent = Number(/cancelled by the client after (\d+) rows/.exec(rows[1]!.error ?? "")?.[1]);
      expect(sent).toBeLessThan(200); // of 1300+: the producer waited for the reader instead of buffering everything
    });
  });
});
