/**
 * Start-up before Next.js serves anything: validate the environment, reach or start Postgres,
 * apply migrations, resolve the session secret, record the instance. Every failure is an AppError
 * or ConfigError whose message tells the operator what to change.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { assertPasswordSignInConfig } from "../auth/password-sign-in-policy";
import { parseBootEnv, publishRuntimeEnv, type BootEnv } from "../config/env";
import { checkDatabaseReachable, describeDatabaseUrl } from "../db/check-database";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded-postgres";
import { migrate } from "../db/migrate";
import { log, setLogLevel } from "../log/logger";
import { recordInstanceStart } from "./instance";
import { resolveSessionSecret } from "./session-secret";

export type BootedConsole = {
  env: BootEnv;
  databaseUrl: string;
  database: { kind: "embedded"; dataDir: string; port: number } | { kind: "external"; where: string };
  migrationsApplied: string[];
  instance: { id: string; firstStartedAt: string; starts: number };
  shutdown: () => Promise<void>;
};

export async function bootConsole(source: Record<string, string | undefined> = process.env): Promise<BootedConsole> {
  const bootEnv = parseBootEnv(source);
  setLogLevel(bootEnv.LOG_LEVEL);
  // OPSDECK_PASSWORD_SIGNIN=off needs an SSO provider (else nobody could sign in): refused before anything starts.
  if (assertPasswordSignInConfig(source) === "off") log.info("Password sign-in is off: only single sign-on (and an open break-glass window) signs in");
  const dataDir = path.resolve(bootEnv.OPSDECK_DATA_DIR);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl: string;
  if (bootEnv.DATABASE_URL) {
    databaseUrl = bootEnv.DATABASE_URL;
    await checkDatabaseReachable(databaseUrl);
  } else {
    embedded = await startEmbeddedPostgres(dataDir);
    databaseUrl = embedded.url;
  }

  try {
    const { applied } = await migrate(databaseUrl);
    const { secret } = await resolveSessionSecret(source.NEXTAUTH_SECRET, dataDir);
    publishRuntimeEnv({
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: secret,
      OPSDECK_EMBEDDED_DB: embedded ? "1" : "0",
      OPSDECK_DATA_DIR: dataDir,
    });
    const instance = await recordInstanceStart(databaseUrl);
    return {
      env: bootEnv,
      databaseUrl,
      database: embedded
        ? { kind: "embedded", dataDir: embedded.dataDir, port: embedded.port }
        : { kind: "external", where: describeDatabaseUrl(databaseUrl) },
      migrationsApplied: applied,
      instance,
      shutdown: async () => {
        await embedded?.stop();
      },
    };
  } catch (error) {
    // Leave nothing running behind a failed start.
    await embedded?.stop().catch((e: unknown) => log.warn("Stopping the embedded Postgres failed", { error: e }));
    throw error;
  }
}
