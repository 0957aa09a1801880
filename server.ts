/**
 * Opsdeck's process: boot (database, migrations, secret) then serve Next.js.
 * `tsx server.ts` (production: NODE_ENV=production), `tsx server.ts --dev` for development.
 */
import { createServer } from "node:http";
import next from "next";
import { ConfigError } from "./lib/config/env";
import { announceFirstAdminSetup } from "./lib/auth/first-admin-setup";
import { pool } from "./lib/db/pool";
import { startMonitoring, stopMonitoring } from "./lib/docker/monitor-instance";
import { isAppError } from "./lib/errors/app-error";
import { backupRoot } from "./lib/backups/backup-paths";
import { registerBackupJobs } from "./lib/backups/backup-jobs";
import { recoverInterruptedRuns } from "./lib/backups/backup-runs";
import { registerPrivacyJobs } from "./lib/privacy/jobs";
import { registerRestoreDrillJobs } from "./lib/restores/restore-jobs";
import { recoverInterruptedRestoreRuns } from "./lib/restores/restore-runs";
import { jobs, markJobsStopping, startJobs, stopJobs } from "./lib/jobs/boss";
import { log } from "./lib/log/logger";
import { bootConsole } from "./lib/server/boot";
import { CLIENT_IP_HEADER, clientIp } from "./lib/server/client-ip";
import { loadStackConfig, StackConfigError } from "./lib/stack/config";

const startedAt = performance.now();
const dev = process.argv.includes("--dev");

async function main() {
  const booted = await bootConsole();
  const { PORT: port, OPSDECK_HOST: hostname } = booted.env;
  // Where pages are served, the dashboard reads the container monitor's memory: start it now, in the
  // background. An invalid opsdeck.yaml stops the start (like an invalid environment); an engine that
  // does not answer does not — the dashboard shows it as unreachable and the monitor keeps retrying.
  const serving = booted.env.OPSDECK_ROLE === "web" || booted.env.OPSDECK_ROLE === "all";
  if (serving) {
    await loadStackConfig().catch(async (error: unknown) => {
      await booted.shutdown();
      throw error;
    });
    startMonitoring({ pool: pool() }).catch((error: unknown) => log.error("Container monitoring could not start; the dashboard shows why", { error }));
  }
  // Scheduled jobs (pg-boss): every replica schedules, workers (role worker|all) run them; pg-boss runs each once.
  const work = booted.env.OPSDECK_ROLE !== "web";
  await startJobs(booted.databaseUrl, { work }).catch((error: unknown) => log.error("Scheduled jobs are not running", { error }));
  // Backups: runs a stopped console left `running` become `interrupted` (never `succeeded`), their
  // `.partial` folders removed; then the backup queues (schedules, manual runs, nightly maintenance).
  await recoverInterruptedRuns({ root: backupRoot() }).then(
    (report) => report.interrupted.length + report.partialFoldersRemoved.length > 0 && log.warn("Backups interrupted by the last stop", report),
    (error: unknown) => log.error("Could not check for interrupted backups", { error }),
  );
  // Restores: a run whose console died is shown `interrupted` with its last completed step, and the
  // rollback from its safety backup is offered; nothing resumes on its own.
  await recoverInterruptedRestoreRuns().then(
    (report) => report.interrupted.length > 0 && log.warn("Restores interrupted by the last stop", report),
    (error: unknown) => log.error("Could not check for interrupted restores", { error }),
  );
  const boss = jobs();
  if (boss) {
    // Without them manual backups still run (in this process); scheduled ones do not.
    await registerBackupJobs(boss, { work }).catch((error: unknown) => log.error("Backup schedules are not running", { error }));
    // The runbook's monthly "test backup restoration", into throwaway containers.
    await registerRestoreDrillJobs(boss, { work }).catch((error: unknown) => log.error("Restore drills are not scheduled", { error }));
    // The privacy checks, daily by default (privacy.schedule in opsdeck.yaml); a missed day runs once.
    await registerPrivacyJobs(boss, { work }).catch((error: unknown) => log.error("Privacy checks are not scheduled", { error }));
  }
  const app = next({ dev, dir: process.cwd(), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const trustedHops = booted.env.OPSDECK_TRUSTED_PROXY_HOPS;
  const server = createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedHops) ?? "";
    void handle(req, res);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    markJobsStopping();
    log.info(`Received ${signal}; shutting down`);
    server.close();
    server.closeAllConnections();
    // Stops the stats streams and writes the last minute of samples while the database still runs.
    await stopMonitoring().catch((error: unknown) => log.warn("Stopping the container monitor failed", { error }));
    await stopJobs().catch(() => undefined);
    await booted.shutdown();
    log.info("Stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  const shownHost = hostname === "0.0.0.0" || hostname === "127.0.0.1" ? "localhost" : hostname;
  const db = booted.database.kind === "embedded" ? `embedded Postgres (${booted.database.dataDir})` : booted.database.where;
  log.info(`Opsdeck ready on http://${shownHost}:${port}`, {
    database: db,
    migrationsApplied: booted.migrationsApplied.length,
    instance: booted.instance.id,
    starts: booted.instance.starts,
    startMs: Math.round(performance.now() - startedAt),
    mode: dev ? "development" : "production",
  });
  // No users yet: print a one-time link (30 minutes) to create the first admin. Never fatal.
  await announceFirstAdminSetup(booted.env.NEXTAUTH_URL ?? `http://${shownHost}:${port}`).catch((error: unknown) =>
    log.error("Could not create the first-admin setup link; run `npm run opsdeck -- users create --email … --role admin`", { error }),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    const lines = error.problems;
    process.stderr.write(
      lines.length === 1 ? `Opsdeck cannot start: ${lines[0]}\n` : `Opsdeck cannot start:\n${lines.map((l) => `  - ${l}`).join("\n")}\n`,
    );
  } else if (error instanceof StackConfigError) {
    process.stderr.write(`Opsdeck cannot start: ${error.file ?? "the stack config"} is not valid:\n${error.problems.map((p) => `  - ${p}`).join("\n")}\n`);
  } else if (isAppError(error)) {
    process.stderr.write(`Opsdeck cannot start: ${error.userMessage}\n`);
    if (error.cause) log.debug("cause", { cause: error.cause });
  } else {
    process.stderr.write(`Opsdeck cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
