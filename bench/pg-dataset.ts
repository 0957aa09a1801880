/**
 * Bench datasets in a scratch Postgres container: `pgbench -i -s <scale>` (scale 70 ≈ 1 GiB), shared by
 * the backup and restore benchmarks.
 */
import { execText } from "../lib/backups/engines/command";
import type { BackupTarget } from "../lib/backups/engines/types";

/** `pgbench -i -s <scale>` into `database`, with server-side data generation (G): the same tables and rows as the default client-side `g`, faster. */
export async function pgbenchInit(target: BackupTarget, scale: number, database = "posthog"): Promise<void> {
  await execText(
    target,
    {
      kind: "exec",
      argv: [`${target.binDir}/pgbench`, "-h", "127.0.0.1", "-p", String(target.port), "-U", target.user!, "-i", "-q", "-I", "dtGvp", "-s", String(scale), database],
      env: { PGPASSWORD: target.password! },
      secretEnv: ["PGPASSWORD"],
    },
    { timeoutMs: 1_800_000 },
  );
}
