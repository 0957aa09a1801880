import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { closePool } from "../db/pool";
import { isAppError } from "../errors/app-error";
import { bootConsole } from "./boot";

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve("node_modules/.bin/tsx"), ["server.ts"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("console boot on the embedded Postgres", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await closePool();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("keeps data across a restart, and /api/health turns 503 when the database goes away", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "opsdeck-boot-"));
    dirs.push(dataDir);

    const first = await bootConsole({ OPSDECK_DATA_DIR: dataDir });
    expect(first.database.kind).toBe("embedded");
    expect(first.migrationsApplied.length).toBeGreaterThan(0);
    expect(first.instance.starts).toBe(1);
    await sql(first.databaseUrl, "insert into settings (key, value) values ('before-restart', '\"kept\"'::jsonb)");
    await first.shutdown();

    const second = await bootConsole({ OPSDECK_DATA_DIR: dataDir });
    try {
      expect(second.migrationsApplied).toEqual([]);
      expect(second.instance.id).toBe(first.instance.id);
      expect(second.instance.starts).toBe(2);
      const rows = await sql<{ value: string }>(second.databaseUrl, "select value from settings where key = 'before-restart'");
      expect(rows).toEqual([{ value: "kept" }]);

      const ok = await healthRoute();
      expect(ok.status).toBe(200);
      const okBody = (await ok.json()) as { status: string; database: { ok: boolean; latencyMs: number }; migrations: { pending: number } };
      expect(okBody.status).toBe("ok");
      expect(okBody.database.ok).toBe(true);
      expect(okBody.database.latencyMs).toBeGreaterThanOrEqual(0);
      expect(okBody.migrations.pending).toBe(0);
    } finally {
      await second.shutdown();
    }

    const down = await healthRoute();
    expect(down.status).toBe(503);
    const downBody = (await down.json()) as { status: string; database: { ok: boolean } };
    expect(downBody.status).toBe("down");
    expect(downBody.database.ok).toBe(false);
  });

  it("names the problem when an external database cannot be reached", async () => {
    const error = await bootConsole({ DATABASE_URL: "postgresql://opsdeck:pw@127.0.0.1:1/opsdeck", OPSDECK_DATA_DIR: await mkdtemp(path.join(tmpdir(), "opsdeck-ext-")) }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe("DATABASE_UNREACHABLE");
    expect((error as Error).message).toBe(
      "Cannot reach the database at opsdeck@127.0.0.1:1/opsdeck: connection refused — is the server running and listening on that host and port?.",
    );
    expect((error as Error).message).not.toContain("pw");
  });

  it("exits 1 with one actionable line for a malformed DATABASE_URL", async () => {
    const { code, stderr } = await runServer({ DATABASE_URL: "mysql://root:hunter2@db/app" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^Opsdeck cannot start: DATABASE_URL: expected a URL like postgresql:\/\/user:password@host:5432\/database/);
    expect(stderr).not.toContain("hunter2");
  });

  it("exits 1 with one actionable line for an unreachable database", async () => {
    const { code, stderr } = await runServer({ DATABASE_URL: "postgresql://u:secretpw@127.0.0.1:1/ops" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^Opsdeck cannot start: Cannot reach the database at u@127.0.0.1:1\/ops: connection refused/);
    expect(stderr).not.toContain("secretpw");
  });
});
