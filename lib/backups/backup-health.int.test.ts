/**
 * The dashboard's view of backups (real Postgres): a failed or interrupted last run is critical, a
 * schedule whose occurrence passed without a run is a warning, a later success clears the failure,
 * and a schedule made (or last changed) after its last occurrence is not "missed".
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "../../test/test-database";
import { parseStackConfig } from "../stack/config";
import { backupHealth } from "./backup-health";
import { GRACE_MS } from "./missed-slots";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
const config = parseStackConfig(
  `services:
  db: { kind: postgres, project: posthog, connection: { host: 127.0.0.1, port: 5432 } }
  redis: { kind: redis, project: posthog, connection: { host: 127.0.0.1, port: 6379 } }
  web: { kind: app, project: posthog }
`,
  { env: {} },
);
const NOW = new Date("2026-11-25T12:00:00Z");
const at = (iso: string) => new Date(iso).toISOString();

async function run(service: string, status: string, createdAt: string, error: string | null = null) {
  await superuserQuery(
    db.url,
    `insert into backup_runs (id, stack, service, engine, status, trigger, backup_id, created_at, finished_at, error)
     values ($1, 'posthog', $2, 'postgres', $3, 'schedule', $4, $5, $5, $6)`,
    [randomUUID(), service, status, `posthog/${service}/${randomUUID().slice(0, 8)}`, at(createdAt), error],
  );
}

async function schedule(service: string, cron: string, createdAt: string, enabled = true, updatedAt = createdAt) {
  await superuserQuery(db.url, `insert into backup_schedules (id, stack, service, cron, enabled, created_at, updated_at) values ($1, 'posthog', $2, $3, $4, $5, $6)`, [
    randomUUID(),
    service,
    cron,
    enabled,
    at(createdAt),
    at(updatedAt),
  ]);
}

beforeAll(async () => {
  db = await useMigratedTestDatabase("backup_health");
});
afterAll(async () => {
  await db?.cleanup();
});
beforeEach(async () => {
  await superuserQuery(db.url, "delete from backup_runs");
  await superuserQuery(db.url, "delete from backup_schedules");
});

describe("backups on the dashboard", () => {
  it("nothing to say when the last runs succeeded and every schedule ran", async () => {
    await run("db", "failed", "2026-11-24T02:00:00Z", "boom");
    await run("db", "succeeded", "2026-11-25T02:00:00Z");
    await schedule("db", "0 2 * * *", "2026-11-01T00:00:00Z");
    expect(await backupHealth(config, NOW)).toEqual([]);
  });

  it("a failed or interrupted last run is critical, with when and the error's first line", async () => {
    await run("db", "succeeded", "2026-11-24T02:00:00Z");
    await run("db", "failed", "2026-11-25T02:00:00Z", "pg_dump: error: connection refused\nmore detail");
    await run("redis", "interrupted", "2026-11-25T03:00:00Z", "interrupted: the console stopped");
    const items = await backupHealth(config, NOW);
    expect(items).toEqual(
      expect.arrayContaining([
        { level: "critical", subject: "Backup of db (posthog)", text: "the last backup failed at 2026-11-25T02:00:00.000Z: pg_dump: error: connection refused" },
        { level: "critical", subject: "Backup of redis (posthog)", text: expect.stringMatching(/^the last backup was interrupted at 2026-11-25T03:00:00.000Z/) },
      ]),
    );
    expect(items).toHaveLength(2);
  });

  it("a schedule whose occurrence passed (beyond the grace) with no run is a missed backup; within the grace it is not yet", async () => {
    await run("db", "succeeded", "2026-11-24T02:00:00Z");
    await schedule("db", "0 2 * * *", "2026-11-01T00:00:00Z");
    await schedule("redis", "0 */6 * * *", "2026-11-01T00:00:00Z", false); // disabled: never missed
    const items = await backupHealth(config, NOW);
    expect(items).toEqual([{ level: "warn", subject: "Backup of db (posthog)", text: expect.stringContaining("due at 2026-11-25T02:00:00.000Z (0 2 * * *) did not run") }]);
    // 10 minutes after the occurrence: still within the grace.
    expect(await backupHealth(config, new Date(Date.parse("2026-11-25T02:00:00Z") + GRACE_MS - 60_000))).toEqual([]);
  });

  it("a frequent schedule whose runs stopped is missed on the dashboard too, with how many slots were missed", async () => {
    // Every 5 minutes since 11:00; the runs stopped after 11:05. At 12:00 the slots up to 11:30 are past their grace.
    await schedule("db", "*/5 * * * *", "2026-11-25T10:59:00Z");
    await run("db", "succeeded", "2026-11-25T11:00:10Z");
    await run("db", "succeeded", "2026-11-25T11:05:10Z");
    expect(await backupHealth(config, NOW)).toEqual([
      { level: "warn", subject: "Backup of db (posthog)", text: expect.stringContaining("due at 2026-11-25T11:30:00.000Z (*/5 * * * *) did not run (5 slots missed in the last 24 hours)") },
    ]);
  });

  it("a schedule made, re-enabled or re-timed after its last occurrence is not missed; services that cannot be backed up are ignored", async () => {
    await schedule("db", "0 2 * * *", "2026-11-25T09:00:00Z");
    await schedule("redis", "0 2 * * *", "2026-11-01T00:00:00Z", true, "2026-11-25T08:00:00Z");
    await run("web", "failed", "2026-11-25T02:00:00Z", "not a backup service");
    expect(await backupHealth(config, NOW)).toEqual([]);
  });
});
