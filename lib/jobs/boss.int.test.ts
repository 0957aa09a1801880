import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { publishRuntimeEnv } from "../config/env";
import { seedAuditChain } from "../audit/seed-audit-chain";
import { jobs, startJobs, stopJobs } from "./boss";
import { JOB_SCHEDULES } from "./schedules";

async function until<T>(probe: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("jobs (pg-boss)", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let dataDir: string;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("jobs");
    dataDir = await mkdtemp(path.join(tmpdir(), "opsdeck-jobs-"));
    publishRuntimeEnv({ DATABASE_URL: db.url, NEXTAUTH_SECRET: "test-secret-".padEnd(48, "x"), OPSDECK_EMBEDDED_DB: "0", OPSDECK_DATA_DIR: dataDir });
    let failures = 0;
    await startJobs(db.url, {
      schedules: [
        ...JOB_SCHEDULES,
        {
          queue: "test-always-fails",
          cron: "0 0 1 1 *",
          tz: "UTC",
          description: "test",
          catchUp: false,
          run: async () => {
            failures++;
            throw new Error(`boom ${failures}`);
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await stopJobs();
    await db.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("schedules audit retention nightly at 03:15 UTC", async () => {
    const schedules = await jobs()!.getSchedules("audit-retention");
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ name: "audit-retention", cron: "15 3 * * *", timezone: "UTC" });
  });

  it("the audit-retention worker archives and purges old rows", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await seedAuditChain(c, Array.from({ length: 5 }, (_, i) => ({ at: new Date(Date.now() - 500 * 86_400_000 + i), action: "old.row", resourceType: "t", outcome: "succeeded" as const })));
    await c.end();
    await jobs()!.send("audit-retention", {});
    const purge = await until(async () => (await superuserQuery<{ params: { removed: number } }>(db.url, "select params from audit_events where action = 'audit.retention.purge'"))[0]);
    expect(purge.params.removed).toBe(5);
    expect((await readdir(path.join(dataDir, "audit-archive"))).some((f) => f.endsWith(".ndjson.gz"))).toBe(true);
  });

  it("a failing job is recorded as failed and the scheduler carries on", async () => {
    const id = await jobs()!.send("test-always-fails", {});
    const job = await until(async () => {
      const [found] = await jobs()!.findJobs("test-always-fails", { id: id! });
      return found?.state === "failed" ? found : undefined;
    });
    expect(job.state).toBe("failed");
    expect(await jobs()!.send("test-always-fails", {})).toEqual(expect.any(String)); // still accepting work
  });
});
