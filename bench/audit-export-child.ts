/**
 * Child process of bench/audit.ts: exports every audit row as NDJSON to stdout (the parent discards it),
 * so the parent can measure this process's wall time and peak RSS with /usr/bin/time.
 */
import { randomBytes } from "node:crypto";
import { auditExportChunks } from "../lib/audit/export-audit";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { closePool } from "../lib/db/pool";

const url = rawEnv().AUDIT_BENCH_URL;
if (!url) throw new Error("AUDIT_BENCH_URL is not set");
publishRuntimeEnv({ DATABASE_URL: url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: "/tmp" });

const stats = { rows: 0 };
for await (const chunk of auditExportChunks({}, "ndjson", stats)) {
  if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once("drain", resolve));
}
await closePool();
process.stderr.write(`rows=${stats.rows}\n`);
