/**
 * The Backups page's JSON API (route handlers under app/api/v1/backups call these): the history
 * polled for live progress needs a session and backups.view (auditors and viewers may read it); a
 * run id is validated; POST /api/v1/backups/runs is the Run now action — denied and audited for a
 * viewer, refused when cross-site or not JSON, so a cookie alone cannot start a backup.
 * No container is needed (nothing is started).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import type { Role } from "../auth/policy";
import { pool } from "../db/pool";
import { backupRunResponse, backupsHistoryResponse, backupsPageData } from "./backups-page-data";
import { backupRunRequestResponse } from "./run-request";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let base: string;

const ctx = (role: Role | null): ActionContext => ({
  actor: role ? { userId: randomUUID(), email: `${role}@example.com`, role, sessionId: "s", mfaAt: new Date() } : null,
  ip: "203.0.113.7",
  userAgent: "vitest",
  requestId: randomUUID(),
});

const post = (headers: Record<string, string>, body: string) => new Request("http://console.test/api/v1/backups/runs", { method: "POST", headers: { host: "console.test", ...headers }, body });

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "opsdeck-backups-api-"));
  const config = path.join(base, "opsdeck.yaml");
  await writeFile(config, "services:\n  db: { kind: postgres, project: shop, connection: { user: shop, passwordEnv: NOPE_PW } }\n  web: { kind: app, project: shop }\n");
  db = await useMigratedTestDatabase("backupsapi");
  Object.assign(process.env, { OPSDECK_CONFIG: config, BACKUP_DIR: path.join(base, "backups") });
  const runId = randomUUID();
  await pool().query(
    `insert into backup_runs (id, stack, service, engine, status, trigger, requested_by_email, backup_id, created_at, started_at, step, bytes_done)
     values ($1, 'shop', 'db', 'postgres', 'running', 'user', 'op@example.com', 'shop/db/20261125T100000000Z', now() - interval '10 seconds', now() - interval '10 seconds', 'dumping shop', 5242880)`,
    [runId],
  );
});

afterAll(async () => {
  await db?.cleanup();
  await rm(base, { recursive: true, force: true });
  for (const k of ["OPSDECK_CONFIG", "BACKUP_DIR"]) delete process.env[k];
});

describe("backups API", () => {
  it("history: 401 without a session; viewers and auditors read the configured services' runs with live progress", async () => {
    expect((await backupsHistoryResponse(ctx(null))).status).toBe(401);
    for (const role of ["viewer", "auditor"] as const) {
      const response = await backupsHistoryResponse(ctx(role));
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as { runs: Record<string, Array<{ status: string; bytesDone: number; rate: number; step: string; requestedBy: string }>> };
      expect(Object.keys(body.runs)).toEqual(["db"]); // the app service is not backed up
      expect(body.runs.db![0]).toMatchObject({ status: "running", bytesDone: 5242880, step: "dumping shop", requestedBy: "op@example.com" });
      expect(body.runs.db![0]!.rate).toBeGreaterThan(100_000);
    }
    const run = (await (await backupsHistoryResponse(ctx("viewer"))).json()) as { runs: { db: Array<{ runId: string }> } };
    expect((await backupRunResponse(ctx("viewer"), run.runs.db[0]!.runId)).status).toBe(200);
    expect((await backupRunResponse(ctx("viewer"), "../../etc/passwd")).status).toBe(400);
    expect((await backupRunResponse(ctx("viewer"), randomUUID())).status).toBe(404);
  });

  it("page data: viewers get no retention policy or preview; admins do", async () => {
    const viewer = await backupsPageData({ role: "viewer" });
    expect(viewer).toMatchObject({ ok: true, services: [{ key: "db", kind: "postgres", stack: "shop" }], policy: null, retention: {} });
    const admin = await backupsPageData({ role: "admin" });
    expect(admin).toMatchObject({ ok: true, policy: { daily: 7, weekly: 4, monthly: 12 }, retention: { db: { onDisk: 0, wouldDelete: [], paused: false } } });
  });

  it("POST runs: a viewer is denied and audited; cross-site or non-JSON requests are refused before the action", async () => {
    const denied = await backupRunRequestResponse(ctx("viewer"), post({ "content-type": "application/json" }, JSON.stringify({ service: "db" })));
    expect(denied.status).toBe(403);
    const rows = await superuserQuery<{ outcome: string; actor_email: string }>(db.url, "select outcome, actor_email from audit_events where action = 'backup.run' order by seq");
    expect(rows.map((r) => [r.outcome, r.actor_email])).toEqual([["denied", "viewer@example.com"]]);

    const crossSite = await backupRunRequestResponse(ctx("operator"), post({ "content-type": "application/json", origin: "https://evil.example" }, JSON.stringify({ service: "db" })));
    expect(crossSite.status).toBe(403);
    const form = await backupRunRequestResponse(ctx("operator"), post({ "content-type": "application/x-www-form-urlencoded" }, "service=db"));
    expect(form.status).toBe(400);
    const invalid = await backupRunRequestResponse(ctx("operator"), post({ "content-type": "application/json" }, JSON.stringify({ service: "../db", name: "Bad Name" })));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/service: Choose a service\..*name: Lowercase/);
    const count = await pool().query<{ n: number }>("select count(*)::int as n from backup_runs");
    expect(count.rows[0]!.n).toBe(1); // only the seeded run
  });
});
