/**
 * `npm run bench`: every benchmark, one table. Each row shows Opsdeck and the peer measured in the same run.
 * Run one with `npm run bench -- cold-start`.
 */
import { benchAudit } from "./audit";
import { benchBackup } from "./backup";
import { benchColdStart } from "./cold-start";
import { benchDashboard } from "./dashboard";
import { benchRestore } from "./restore";
import { benchSso } from "./sso";
import { benchVolumeRestore } from "./volume-restore";

const benches: Record<string, { peer: string; run: () => Promise<string[][]> }> = {
  "cold-start": { peer: "embedded Postgres alone", run: benchColdStart },
  audit: { peer: "plain SQL on the same rows, same run", run: benchAudit },
  dashboard: { peer: "docker stats --no-stream / naive stats() fan-out, same run", run: benchDashboard },
  backup: { peer: "docker exec … pg_dump -Fc > file, same run, rounds interleaved", run: benchBackup },
  sso: { peer: "bare openid-client authorizationCodeGrant, same IdP, same run, rounds interleaved", run: benchSso },
  restore: { peer: "docker exec -i … pg_restore (same argv) < file, same run, rounds interleaved", run: benchRestore },
  "volume-restore": { peer: "docker cp - <id>:<parent> < the same tar, same run, rounds interleaved", run: benchVolumeRestore },
};

const only = process.argv.slice(2);
const rows: string[][] = [["benchmark", "case", "opsdeck", "peer", "peer is", "overhead"]];
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  for (const r of await bench.run()) rows.push([r[0]!, r[1]!, r[2]!, r[3]!, bench.peer, r[4]!]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const [i, r] of rows.entries()) {
  console.log(`| ${r.map((c, j) => c.padEnd(widths[j]!)).join(" | ")} |`);
  if (i === 0) console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
}
process.exit(0);
