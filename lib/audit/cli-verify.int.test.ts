import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrate } from "../db/migrate";
import { appendAuditEvent } from "./append-audit-event";
import { runAuditVerifyCli } from "./cli-verify";
import { seedAuditChain } from "./seed-audit-chain";

describe("audit verify CLI", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  let dir: string;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("cli");
    dir = await mkdtemp(path.join(tmpdir(), "opsdeck-cli-"));
    for (let i = 0; i < 12; i++) await appendAuditEvent({ action: `cli.test.${i}`, resourceType: "test", outcome: "succeeded" });
  });
  afterAll(async () => {
    await db.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAuditVerifyCli(args, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("exits 0 on an intact chain and says how many rows it verified", async () => {
    const r = await run(["audit", "verify", "--database-url", db.url]);
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/Audit chain intact: 12 rows verified/) });
    expect(r.out).toMatch(/head hash [0-9a-f]{64}/);
    const json = await run(["--database-url", db.url, "--json"]);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, rows: 12 });
  });

  it("finds a running embedded database from the data dir (credentials file + postmaster.pid)", async () => {
    const u = new URL(db.url);
    await writeFile(path.join(dir, "postgres-credentials.json"), JSON.stringify({ user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) }));
    await mkdir(path.join(dir, "postgres"), { recursive: true });
    await writeFile(path.join(dir, "postgres", "postmaster.pid"), `12345\n${dir}/postgres\n1764000000\n${u.port}\n\n127.0.0.1\n`);
    expect(await run(["--data-dir", dir])).toMatchObject({ code: 0 });
    const empty = await mkdtemp(path.join(tmpdir(), "opsdeck-cli-empty-"));
    expect(await run(["--data-dir", empty])).toMatchObject({ code: 2, err: expect.stringMatching(/No database to verify.*Pass --database-url/) });
    await rm(empty, { recursive: true, force: true });
  });

  it("starts a stopped console's embedded database for the check, and stops it again", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "opsdeck-cli-stopped-"));
    try {
      const embedded = await startEmbeddedPostgres(dataDir);
      await migrate(embedded.url);
      const c = new pg.Client({ connectionString: embedded.url });
      await c.connect();
      await seedAuditChain(c, [{ at: new Date(), action: "stopped.console", resourceType: "t", outcome: "succeeded" }]);
      await c.end();
      await embedded.stop();
      expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
      expect(await run(["audit", "verify", "--data-dir", dataDir])).toMatchObject({ code: 0, out: expect.stringMatching(/1 rows verified/) });
      expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false); // stopped again
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("exits 1 on a broken chain and prints the first bad row", async () => {
    const [victim] = await superuserQuery<{ seq: string; id: string }>(db.url, "select seq, id from audit_events order by seq offset 10 limit 1");
    await superuserQuery(db.url, "alter table audit_events disable trigger audit_events_append_only");
    await superuserQuery(db.url, "update audit_events set ip = '198.51.100.66' where id = $1", [victim!.id]);
    await superuserQuery(db.url, "alter table audit_events enable trigger audit_events_append_only");
    const r = await run(["audit", "verify", "--database-url", db.url]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`BROKEN: Row #${victim!.seq} \\(${victim!.id}\\) was changed`));
    expect(r.err).toMatch(new RegExp(`first bad row: seq ${victim!.seq}, id ${victim!.id}, reason hash`));
    expect(r.err).toMatch(/10 rows before it verified/);
  });

  it("exits 2 when it cannot run", async () => {
    expect(await run(["--database-url", "mysql://x"])).toMatchObject({ code: 2, err: expect.stringMatching(/--database-url is not valid/) });
    expect(await run(["--bogus"])).toMatchObject({ code: 2, err: expect.stringMatching(/Usage:/) });
    const unreachable = await run(["--database-url", "postgresql://u:p@127.0.0.1:1/db"]);
    expect(unreachable).toMatchObject({ code: 2, err: expect.stringMatching(/Could not verify the audit chain/) });
    expect(unreachable.err).not.toContain(":p@"); // no credentials echoed
  });
});
