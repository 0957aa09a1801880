import { spawn } from "node:child_process";
import { closeSync, createWriteStream, openSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { psqlIn, startScratchPostgres } from "../lib/backups/testing/scratch-servers";
import { startExecStream } from "../lib/backups/exec-stream";
import { pgDumpCommand } from "../lib/backups/engines/postgres";
const engine = await ensureDockerEngine();
const pg = await startScratchPostgres(engine.docker);
try {
  await psqlIn(pg.target, "posthog", "create table events_blob as select g as id, md5(random()::text)||md5(random()::text)||md5(random()::text)||md5(random()::text) as payload from generate_series(1, 1000000) g");
  const cmd = pgDumpCommand({ ...pg.target }, "posthog");
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    const fd = openSync("/tmp/probe-plain.dump", "w");
    const child = spawn("docker", ["exec", "-e", `PGPASSWORD=${pg.password}`, pg.target.containerId, ...cmd.argv], { stdio: ["ignore", fd, "inherit"] });
    await new Promise((r) => child.on("exit", r));
    closeSync(fd);
    const plain = performance.now() - t;
    t = performance.now();
    const c0 = process.cpuUsage();
    const running = await startExecStream(engine.docker.getContainer(pg.target.containerId), cmd.argv, { env: cmd.env });
    await pipeline(running.stdout, createWriteStream("/tmp/probe-node.dump"));
    await running.outcome;
    const node = performance.now() - t;
    const cpu = process.cpuUsage(c0);
    t = performance.now();
    const { ArtifactWriter } = await import("../lib/backups/artifact-writer");
    const w = await ArtifactWriter.create("/tmp/probe-root", { stack: "x", service: "db", folder: `20260101T00000000${round}Z` });
    const r2 = await startExecStream(engine.docker.getContainer(pg.target.containerId), cmd.argv, { env: cmd.env });
    await w.writeFile("posthog.pgdump", r2.stdout, { compression: "none", recipients: null });
    const tWrite = performance.now() - t;
    await w.finalize({});
    const artifact = performance.now() - t;
    console.log(`   writer: ${(tWrite / 1000).toFixed(1)} s incl. fsync of the file; finalize total ${(artifact / 1000).toFixed(1)} s`);
    console.log(`round ${round}: docker CLI ${(plain / 1000).toFixed(1)} s, node exec stream ${(node / 1000).toFixed(1)} s (node cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
  }
} finally {
  await pg.teardown();
}
process.exit(0);
