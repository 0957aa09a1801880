/**
 * The wiring at boot (registerBackupJobs, real pg-boss): `backup-missed-check` is scheduled every 5
 * minutes next to the daily maintenance, and a job of it notifies a missed slot (webhook + audit).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "../../test/test-database";
import { BACKUP_MAINTENANCE_QUEUE, BACKUP_MISSED_CHECK_QUEUE, registerBackupJobs } from "./backup-jobs";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let boss: PgBoss | undefined;
let server: http.Server;
let dir: string;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  db = await useMigratedTestDatabase("backup_missed_jobs");
  dir = await mkdtemp(path.join(tmpdir(), "opsdeck-backup-missed-"));
  const file = path.join(dir, "opsdeck.yaml");
  await writeFile(file, ["services:", "  db: { kind: postgres, project: posthog, connection: { host: 127.0.0.1, port: 5432 } }"].join("\n"));
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  vi.stubEnv("OPSDECK_CONFIG", file);
  vi.stubEnv("BACKUP_WEBHOOK_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  vi.stubEnv("BACKUP_DIR", path.join(dir, "backups"));
});

afterAll(async () => {
  await boss?.stop({ graceful: false }).catch(() => undefined);
  vi.unstubAllEnvs();
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
  await db?.cleanup();
});

describe("backup-missed-check job", () => {
  it("is scheduled every 5 minutes at boot and, when it runs, notifies a missed slot once", async () => {
    // Made 5 hours ago, daily at the hour 2 hours ago: that one slot passed (beyond the grace) without a run.
    const now = new Date();
    const slotHour = new Date(now.getTime() - 2 * 3600_000).getUTCHours();
    const cron = `0 ${slotHour} * * *`;
    await superuserQuery(db.url, `insert into backup_schedules (id, stack, service, cron, enabled, created_at, updated_at) values ($1, 'posthog', 'db', $2, true, $3, $3)`, [
      randomUUID(),
      cron,
      new Date(now.getTime() - 5 * 3600_000),
    ]);

    boss = new PgBoss({ connectionString: db.url, schema: "pgboss", max: 2 });
    boss.on("error", () => undefined);
    await boss.start();
    await registerBackupJobs(boss, { work: true });
    expect((await boss.getSchedules(BACKUP_MISSED_CHECK_QUEUE)).map((s) => [s.name, s.cron, s.timezone])).toEqual([[BACKUP_MISSED_CHECK_QUEUE, "*/5 * * * *", "UTC"]]);
    expect((await boss.getSchedules(BACKUP_MAINTENANCE_QUEUE)).map((s) => s.cron)).toEqual(["30 4 * * *"]);

    await boss.send(BACKUP_MISSED_CHECK_QUEUE, {});
    const deadline = Date.now() + 60_000;
    let rows: Array<{ outcome: string; actor_id: string | null; resource_id: string }> = [];
    while (Date.now() < deadline) {
      rows = await superuserQuery(db.url, "select outcome, actor_id, resource_id from audit_events where action = 'backup.missed' order by seq");
      if (rows.length >= 1 && received.length >= 1) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(rows).toEqual([{ outcome: "failed", actor_id: null, resource_id: "posthog/db" }]);
    expect(received).toEqual([expect.objectContaining({ event: "backup.missed", stack: "posthog", service: "db", cron, error: expect.stringMatching(/^no backup started for the \d\d:00 UTC slot on \d{4}-\d\d-\d\d$/) })]);
  });
});
