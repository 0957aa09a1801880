/**
 * `npm run opsdeck -- audit verify [--database-url URL] [--data-dir DIR] [--json]`
 *
 * Walks the audit chain and exits 0 when it is intact, 1 when it is broken (the first bad row is
 * printed), 2 when it could not run (no database, bad arguments).
 *
 * Which database: `--database-url`; else the embedded Postgres in `--data-dir`; else DATABASE_URL;
 * else the embedded Postgres in OPSDECK_DATA_DIR (default ./.opsdeck). An embedded database is reached
 * through the running console (its credentials file and the port in postmaster.pid), or started for
 * the length of the walk when the console is stopped. Boots nothing else: no migrations (verifying
 * must not change the database), no Next.js, no session secret.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { bootEnvSchema, rawEnv } from "../config/env";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { describeChainBreak, verifyAuditChain } from "./verify-audit-chain";

const USAGE = `Usage: npm run opsdeck -- audit verify [--database-url postgresql://…] [--data-dir DIR] [--json]

Verifies the audit log's hash chain. Exit code 0: intact; 1: broken (the first bad row is shown);
2: could not run. Without --database-url it uses the embedded database in --data-dir, else
DATABASE_URL, else the embedded database in OPSDECK_DATA_DIR (default ./.opsdeck): through the
running console, or started for the length of the check when the console is stopped.`;

class CliError extends Error {}

const credentialsSchema = z.object({ user: z.string(), password: z.string(), database: z.string() });

type Target = { url: string; stop?: () => Promise<void> };

/** The console's embedded database: the running one (credentials + port in postmaster.pid), or started for this command. */
async function embeddedDatabase(dataDir: string): Promise<Target> {
  const credentialsFile = path.join(dataDir, "postgres-credentials.json");
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  let credentials: z.infer<typeof credentialsSchema>;
  try {
    credentials = credentialsSchema.parse(JSON.parse(await readFile(credentialsFile, "utf8")));
  } catch {
    throw new CliError(`No database to verify: DATABASE_URL is not set and ${credentialsFile} is missing or unreadable. Pass --database-url, or --data-dir pointing at the console's data directory (run as the user that runs the console).`);
  }
  if (!existsSync(pidFile)) {
    // The console is not running: start its Postgres for the length of the walk (read only: no migrations).
    const db = await startEmbeddedPostgres(dataDir);
    return { url: db.url, stop: db.stop };
  }
  // postmaster.pid: pid, data dir, start time, port, … (one per line)
  const port = Number((await readFile(pidFile, "utf8")).split("\n")[3]);
  if (!Number.isInteger(port) || port <= 0) throw new CliError(`${pidFile} has no port; is the console starting? Try again in a moment.`);
  return { url: `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${encodeURIComponent(credentials.database)}` };
}

/** --database-url, else --data-dir's embedded database, else DATABASE_URL, else OPSDECK_DATA_DIR's embedded database. */
async function resolveDatabase(flags: { "database-url"?: string; "data-dir"?: string }): Promise<Target> {
  const checkUrl = (url: string, what: string) => {
    const checked = bootEnvSchema.shape.DATABASE_URL.safeParse(url);
    if (!checked.success || !checked.data) throw new CliError(`${what} is not valid: expected postgresql://user:password@host:5432/database`);
    return { url: checked.data };
  };
  if (flags["database-url"]) return checkUrl(flags["database-url"], "--database-url");
  if (flags["data-dir"]) return embeddedDatabase(path.resolve(flags["data-dir"]));
  const fromEnv = bootEnvSchema.pick({ DATABASE_URL: true, OPSDECK_DATA_DIR: true }).safeParse(rawEnv());
  if (!fromEnv.success) throw new CliError(`The environment is not valid: ${fromEnv.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  if (fromEnv.data.DATABASE_URL) return { url: fromEnv.data.DATABASE_URL };
  return embeddedDatabase(path.resolve(fromEnv.data.OPSDECK_DATA_DIR));
}

export async function runAuditVerifyCli(argv: string[] = process.argv.slice(2), out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      args: argv.filter((a, i) => !(i < 2 && (a === "audit" || a === "verify"))),
      options: { "database-url": { type: "string" }, "data-dir": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    out(USAGE);
    return 0;
  }
  let target: Target | undefined;
  try {
    target = await resolveDatabase(flags);
    const databaseUrl = target.url;
    const started = performance.now();
    let lastReport = started;
    const result = await verifyAuditChain({
      connectionString: databaseUrl,
      batchSize: 5000,
      onProgress: (rows) => {
        if (!flags.json && performance.now() - lastReport > 2000) {
          lastReport = performance.now();
          err(`… ${rows.toLocaleString("en-US")} rows verified`);
        }
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (flags.json) out(JSON.stringify(result));
    if (result.ok) {
      if (!flags.json) {
        out(`Audit chain intact: ${result.rows.toLocaleString("en-US")} rows verified in ${seconds} s.`);
        if (result.rows > 0) out(`  rows #${result.firstSeq} … #${result.lastSeq}; starts from ${result.anchor.kind === "genesis" ? "the genesis hash" : `the retention checkpoint (row #${result.anchor.checkpointSeq})`}`);
        if (result.lastHash) out(`  head hash ${result.lastHash} (note it down: a later verify that does not reach it means rows were removed from the end)`);
      }
      return 0;
    }
    if (!flags.json) {
      const b = result.firstBad;
      err(`Audit chain BROKEN: ${describeChainBreak(b)}`);
      err(`  first bad row: seq ${b.seq}, id ${b.id}, reason ${b.reason}`);
      err(`  expected ${b.expected}`);
      err(`  actual   ${b.actual}`);
      err(`  ${result.rows.toLocaleString("en-US")} rows before it verified.`);
    }
    return 1;
  } catch (error) {
    if (error instanceof CliError) err(error.message);
    else err(`Could not verify the audit chain: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await target?.stop?.().catch(() => undefined);
  }
}
