/**
 * Recurring jobs: one queue per job, a cron schedule (UTC) and the worker that runs it.
 * pg-boss stores the schedules in Postgres, so with several console replicas each job still runs
 * once per occurrence. Later phases add their entries here (backups, privacy checks).
 */
import { runAuditRetention } from "../audit/retention";

export type JobSchedule = {
  queue: string;
  /** Cron expression, evaluated in `tz`. */
  cron: string;
  tz: string;
  description: string;
  /** If the console was down at the scheduled time, run once when it is back. */
  catchUp: boolean;
  run: () => Promise<unknown>;
};

export const JOB_SCHEDULES: readonly JobSchedule[] = [
  {
    queue: "audit-retention",
    cron: "15 3 * * *",
    tz: "UTC",
    description: "Archive audit rows older than the retention policy to the data dir, then remove them (nightly, 03:15 UTC)",
    catchUp: true,
    run: () => runAuditRetention(),
  },
];
