/**
 * The daily privacy job on pg-boss: registerPrivacyJobs schedules `privacy-checks` with the config's cron,
 * and a job runs the checks, stores the results and audits the pass (privacy.run.scheduled, no actor).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { PRIVACY_QUEUE, registerPrivacyJobs } from "./jobs";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let boss: PgBoss | undefined;
let dir: string;

beforeAll(async () => {
  db = await useMigratedTestDatabase("privjobs");
  dir = await mkdtemp(path.join(tmpdir(), "opsdeck-privacy-jobs-"));
  const file = path.join(dir, "opsdeck.yaml");
  // A deployment check of a service with no containers: it runs (as an error saying so) without fixtures.
  await writeFile(file, ["services:", "  web: { kind: app, project: opsdeck-no-such-project-privacy }", "privacy:", "  schedule: '7 6 * * *'", "  stacks:", "    posthog:", "      deployment: [web]"].join("\n"));
  process.env.OPSDECK_CONFIG = file;
});

afterAll(async () => {
  await boss?.stop({ graceful: false }).catch(() => undefined);
  delete process.env.OPSDECK_CONFIG;
  await rm(dir, { recursive: true, force: true });
  await db?.cleanup();
});

describe("privacy job", () => {
  it("is scheduled with the config's cron and, when run, stores results and audits the pass", async () => {
    boss = new PgBoss({ connectionString: db.url, schema: "pgboss", max: 2 });
    boss.on("error", () => undefined);
    await boss.start();
    await registerPrivacyJobs(boss);
    const schedules = await boss.getSchedules(PRIVACY_QUEUE);
    expect(schedules.map((s) => [s.name, s.cron, s.timezone])).toEqual([[PRIVACY_QUEUE, "7 6 * * *", "UTC"]]);

    await boss.send(PRIVACY_QUEUE, {});
    const deadline = Date.now() + 60_000;
    let rows: Array<{ outcome: string; actor_email: string | null }> = [];
    while (Date.now() < deadline) {
      rows = await superuserQuery(db.url, "select outcome, actor_email from audit_events where action = 'privacy.run.scheduled' order by seq");
      if (rows.length >= 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(rows).toEqual([
      { outcome: "started", actor_email: null },
      { outcome: "succeeded", actor_email: null },
    ]);
    const results = await superuserQuery<{ check_key: string; status: string; trigger: string; summary: string }>(db.url, "select check_key, status, trigger, summary from privacy_check_results");
    expect(results).toEqual([{ check_key: "deployment_config", status: "error", trigger: "schedule", summary: "No container found for web." }]);
  });
});
