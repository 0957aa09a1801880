/**
 * The database a CLI command works on: --database-url, else DATABASE_URL, else the embedded Postgres in
 * the data dir (--data-dir, else OPSDECK_DATA_DIR, else ./.opsdeck). When the console is running there
 * (postmaster.pid present) the command connects to it with the credentials file and the port in
 * postmaster.pid; when it is not, the command starts the embedded Postgres itself (scripted installs
 * before the first start), applies migrations, and stops it afterwards.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { bootEnvSchema, publishRuntimeEnv, rawEnv } from "../config/env";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrate } from "../db/migrate";
import { closePool } from "../db/pool";
import { disconnectPrisma } from "../db/prisma";

export class CliUsageError extends Error {}

const credentialsSchema = z.object({ user: z.string(), password: z.string(), database: z.string() });

export type CliDatabase = { url: string; where: string; close: () => Promise<void> };

async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const credentialsFile = path.join(dataDir, "postgres-credentials.json");
  let credentials: z.infer<typeof credentialsSchema>;
  try {
    credentials = credentialsSchema.parse(JSON.parse(await readFile(credentialsFile, "utf8")));
  } catch {
    throw new CliUsageError(`${credentialsFile} is missing or unreadable; run this as the user that runs the console.`);
  }
  // postmaster.pid: pid, data dir, start time, port, … (one per line)
  const port = Number((await readFile(pidFile, "utf8")).split("\n")[3]);
  if (!Number.isInteger(port) || port <= 0) throw new CliUsageError(`${pidFile} has no port; is the console starting? Try again in a moment.`);
  return `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${encodeURIComponent(credentials.database)}`;
}

async function sessionSecret(dataDir: string): Promise<string> {
  const given = rawEnv().NEXTAUTH_SECRET?.trim();
  if (given) return given;
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  // Nothing the CLI does needs the real secret; never write one (the console generates it at first start).
  return randomBytes(48).toString("base64url");
}

export async function openCliDatabase(flags: { databaseUrl?: string; dataDir?: string }): Promise<CliDatabase> {
  const fromEnv = bootEnvSchema.pick({ DATABASE_URL: true, OPSDECK_DATA_DIR: true }).safeParse(rawEnv());
  if (!fromEnv.success) throw new CliUsageError(`Invalid environment: ${fromEnv.error.issues[0]?.message ?? "unknown problem"}`);
  const dataDir = path.resolve(flags.dataDir ?? fromEnv.data.OPSDECK_DATA_DIR);
  let url = flags.databaseUrl ?? fromEnv.data.DATABASE_URL;
  let where = "DATABASE_URL";
  let stop: (() => Promise<void>) | undefined;

  if (!url) {
    url = (await runningEmbeddedUrl(dataDir)) ?? undefined;
    where = `the running console's embedded database (${dataDir})`;
    if (!url) {
      const embedded = await startEmbeddedPostgres(dataDir);
      url = embedded.url;
      stop = embedded.stop;
      where = `the embedded database in ${dataDir} (started for this command)`;
    }
  }
  await migrate(url);
  publishRuntimeEnv({ DATABASE_URL: url, NEXTAUTH_SECRET: await sessionSecret(dataDir), OPSDECK_EMBEDDED_DB: stop ? "1" : "0", OPSDECK_DATA_DIR: dataDir });
  return {
    url,
    where,
    close: async () => {
      await closePool();
      await disconnectPrisma();
      await stop?.();
    },
  };
}
