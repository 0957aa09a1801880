/**
 * Missed scheduled backups are notified (real Postgres, a real HTTP receiver as BACKUP_WEBHOOK_URL):
 * once per slot — again, concurrently (two replicas) or later, never a second POST nor audit row —
 * not for a slot that had a run, not within the grace, not for slots before the schedule existed (or
 * was last changed), and each slot of a frequent schedule is judged on its own.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "../../test/test-database";
import { parseStackConfig } from "../stack/config";
import { GRACE_MS } from "./missed-slots";
import { checkMissedBackups } from "./check-missed-backups";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let server: http.Server;
let received: Record<string, unknown>[] = [];
const config = parseStackConfig(
  `services:
  db: { kind: postgres, project: posthog, connection: { host: 127.0.0.1, port: 5432 } }
  redis: { kind: redis, project: posthog, connection: { host: 127.0.0.1, port: 6379 } }
  web: { kind: app, project: posthog }
`,
  { env: {} },
);
const d = (iso: string) => new Date(iso);

async function run(service: string, createdAt: string, status = "succeeded") {
  await superuserQuery(
    db.url,
    `insert into backup_runs (id, stack, service, engine, status, trigger, backup_id, created_at, finished_at)
     values ($1, 'posthog', $2, 'postgres', $3, 'schedule', $4, $5, $5)`,
    [randomUUID(), service, status, `posthog/${service}/${randomUUID().slice(0, 8)}`, d(createdAt)],
  );
}

async function schedule(service: string, cron: string, createdAt: string, opts: { enabled?: boolean; updatedAt?: string; tz?: string } = {}) {
  await superuserQuery(db.url, `insert into backup_schedules (id, stack, service, cron, tz, enabled, created_at, updated_at) values ($1, 'posthog', $2, $3, $4, $5, $6, $7)`, [
    randomUUID(),
    service,
    cron,
    opts.tz ?? "UTC",
    opts.enabled ?? true,
    d(createdAt),
    d(opts.updatedAt ?? createdAt),
  ]);
}

async function auditRows() {
  return superuserQuery<{ action: string; actor_id: string | null; actor_email: string | null; outcome: string; resource_id: string; error: string; slot: string }>(
    db.url,
    `select action, actor_id, actor_email, outcome, resource_id, error, params->>'slot' as slot from audit_events where action = 'backup.missed' order by seq`,
  );
}

beforeAll(async () => {
  db = await useMigratedTestDatabase("backup_missed");
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ method: req.method, path: req.url, ...(JSON.parse(body) as Record<string, unknown>) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  vi.stubEnv("BACKUP_WEBHOOK_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server?.close(resolve));
  await db?.cleanup();
});
beforeEach(async () => {
  await superuserQuery(db.url, "delete from backup_runs");
  await superuserQuery(db.url, "delete from backup_schedules");
  await superuserQuery(db.url, "delete from backup_missed_notices");
  received = [];
});

describe("missed scheduled backups", () => {
  it("a slot that passed without a run is POSTed and audited once; later passes and a concurrent replica send nothing more; the next missed slot is one more POST", async () => {
    const before = (await auditRows()).length;
    // The schedule is old, but only the last day is looked at: 2026-11-24 02:00 (also without a run) is not reported.
    await schedule("db", "0 2 * * *", "2026-11-01T00:00:00Z");
    const notified = await checkMissedBackups({ config, now: d("2026-11-25T12:00:00Z") });
    expect(notified.map((n) => [n.service, n.slot.toISOString(), n.webhookDelivered])).toEqual([["db", "2026-11-25T02:00:00.000Z", true]]);
    expect(received).toEqual([
      {
        method: "POST",
        path: "/hook",
        event: "backup.missed",
        stack: "posthog",
        service: "db",
        cron: "0 2 * * *",
        at: "2026-11-25T02:00:00.000Z",
        error: "no backup started for the 02:00 UTC slot on 2026-11-25",
        missedSlots: 1,
        text: "Opsdeck: backup.missed for posthog/db: no backup started for the 02:00 UTC slot on 2026-11-25",
      },
    ]);
    const audit = (await auditRows()).slice(before);
    expect(audit).toEqual([
      { action: "backup.missed", actor_id: null, actor_email: null, outcome: "failed", resource_id: "posthog/db", error: "no backup started for the 02:00 UTC slot on 2026-11-25", slot: "2026-11-25T02:00:00.000Z" },
    ]);

    // Again (the same pass, the next pass, after a restart: the notice is in the database).
    expect(await checkMissedBackups({ config, now: d("2026-11-25T12:00:00Z") })).toEqual([]);
    expect(await checkMissedBackups({ config, now: d("2026-11-25T12:05:00Z") })).toEqual([]);
    expect(received).toHaveLength(1);
    expect((await auditRows()).slice(before)).toHaveLength(1);

    // The next day's slot is missed too: two replicas check at the same moment, one POST.
    const both = await Promise.all([checkMissedBackups({ config, now: d("2026-11-26T03:00:00Z") }), checkMissedBackups({ config, now: d("2026-11-26T03:00:00Z") })]);
    expect(both.flat().map((n) => n.slot.toISOString())).toEqual(["2026-11-26T02:00:00.000Z"]);
    expect(received.map((r) => r.at)).toEqual(["2026-11-25T02:00:00.000Z", "2026-11-26T02:00:00.000Z"]);
    expect(received[1]).toMatchObject({ event: "backup.missed", error: "no backup started for the 02:00 UTC slot on 2026-11-26" });
    expect((await auditRows()).slice(before).map((r) => r.slot)).toEqual(["2026-11-25T02:00:00.000Z", "2026-11-26T02:00:00.000Z"]);
    expect(await checkMissedBackups({ config, now: d("2026-11-26T12:00:00Z") })).toEqual([]);
    expect(received).toHaveLength(2);
  });

  it("a slot that had a run (even a failed one, or asked for just before) is not missed; within the grace it is not missed yet", async () => {
    const before = (await auditRows()).length;
    await schedule("db", "0 2 * * *", "2026-11-01T00:00:00Z");
    await schedule("redis", "0 3 * * *", "2026-11-24T20:00:00Z");
    await run("db", "2026-11-25T02:00:04Z", "failed");
    await run("redis", "2026-11-25T02:59:30Z");
    expect(await checkMissedBackups({ config, now: d("2026-11-25T12:00:00Z") })).toEqual([]);

    await superuserQuery(db.url, "delete from backup_runs");
    expect(await checkMissedBackups({ config, now: new Date(Date.parse("2026-11-25T02:00:00Z") + GRACE_MS - 60_000) })).toEqual([]);
    expect(received).toEqual([]);
    const late = await checkMissedBackups({ config, now: new Date(Date.parse("2026-11-25T02:00:00Z") + GRACE_MS) });
    expect(late.map((n) => `${n.service} ${n.slot.toISOString()}`)).toEqual(["db 2026-11-25T02:00:00.000Z"]);
    expect(received).toHaveLength(1);
    expect((await auditRows()).slice(before)).toHaveLength(1);
  });

  it("no alert for slots before the schedule existed or was last changed, for disabled schedules or services that cannot be backed up", async () => {
    await schedule("db", "0 2 * * *", "2026-11-25T09:00:00Z"); // made after its slot
    await schedule("redis", "0 2 * * *", "2026-11-01T00:00:00Z", { updatedAt: "2026-11-25T08:00:00Z" }); // re-enabled / re-timed after it
    await schedule("redis", "30 2 * * *", "2026-11-01T00:00:00Z", { enabled: false });
    await schedule("web", "0 1 * * *", "2026-11-01T00:00:00Z");
    expect(await checkMissedBackups({ config, now: d("2026-11-25T12:00:00Z") })).toEqual([]);
    expect(received).toEqual([]);
    // The next day's slot does count.
    const next = await checkMissedBackups({ config, now: d("2026-11-26T12:00:00Z") });
    expect(next.map((n) => `${n.service} ${n.slot.toISOString()}`).sort()).toEqual(["db 2026-11-26T02:00:00.000Z", "redis 2026-11-26T02:00:00.000Z"]);
    expect(received).toHaveLength(2);
  });

  it("after an outage, a frequent schedule's missed slots are each audited but sent as one webhook message", async () => {
    const before = (await auditRows()).length;
    await schedule("db", "*/5 * * * *", "2026-11-25T09:00:00Z");
    // Nothing ran from 10:00 to 12:00: the slots 10:00 … 11:30 are past the 30-minute grace at 12:00.
    const notified = await checkMissedBackups({ config, now: d("2026-11-25T12:00:00Z") });
    const slots = notified.map((n) => n.slot.toISOString());
    expect(slots.length).toBeGreaterThan(20);
    expect((await auditRows()).slice(before)).toHaveLength(slots.length);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ event: "backup.missed", service: "db", at: slots.at(-1), missedSlots: slots.length });
    expect(String(received[0]!.error)).toMatch(new RegExp(`\\(${slots.length} slots missed since `));
    // The next pass has nothing new to say.
    expect(await checkMissedBackups({ config, now: d("2026-11-25T12:01:00Z") })).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it("each slot of a frequent schedule is judged on its own, in the schedule's time zone", async () => {
    await schedule("db", "0 */6 * * *", "2026-11-24T23:00:00Z");
    await schedule("redis", "0 3 * * *", "2026-11-01T00:00:00Z", { tz: "Europe/Paris" });
    await run("db", "2026-11-25T12:00:02Z"); // 06:00 had none; a later run does not cover it
    await run("db", "2026-11-25T00:00:01Z");
    const notified = await checkMissedBackups({ config, now: d("2026-11-25T12:40:00Z") });
    expect(notified.map((n) => `${n.service} ${n.slot.toISOString()}`).sort()).toEqual(["db 2026-11-25T06:00:00.000Z", "redis 2026-11-25T02:00:00.000Z"]);
    expect(received.find((r) => r.service === "redis")).toMatchObject({ at: "2026-11-25T02:00:00.000Z", cron: "0 3 * * *", error: "no backup started for the 03:00 Europe/Paris slot on 2026-11-25" });
  });
});
