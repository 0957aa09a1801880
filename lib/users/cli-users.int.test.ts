import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { verifyPassword } from "../auth/password-hashing";

const { runUsersCli } = await import("./cli-users");

function io(stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => stdin } };
}

describe("npm run opsdeck -- users …", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("cli");
  });
  afterAll(async () => db.cleanup());

  const run = (args: string[], stdin = "") => {
    const t = io(stdin);
    return runUsersCli(["users", ...args, "--database-url", db.url], t.io).then((code) => ({ code, ...t }));
  };

  it("creates an admin without a password and prints a one-time setup link", async () => {
    const r = await run(["create", "--email", "Root@Example.com", "--role", "admin", "--base-url", "https://ops.example.com"]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe("Created root@example.com (admin).");
    expect(r.out[1]).toMatch(/^Open https:\/\/ops\.example\.com\/setup\/[\w-]{43} to choose a password and set up MFA \(valid until .+, works once\)\.$/);
    const audit = await superuserQuery(db.url, "select outcome, user_agent, params from audit_events where action = 'user.create' order by seq");
    expect(audit).toMatchObject([
      { outcome: "started", user_agent: "opsdeck-cli", params: { email: "root@example.com", role: "admin", via: "cli", osUser: userInfo().username } },
      { outcome: "succeeded" },
    ]);
  });

  it("creates a user with a password read from stdin", async () => {
    const r = await run(["create", "--email", "ops@example.com", "--role", "operator", "--password-stdin"], "river-stone-lamp-88\n");
    expect(r.code).toBe(0);
    const [row] = await superuserQuery<{ password_hash: string; role: string }>(db.url, "select password_hash, role from users where email = 'ops@example.com'");
    expect(row!.role).toBe("operator");
    expect(await verifyPassword(row!.password_hash, "river-stone-lamp-88")).toBe(true);
    expect((await superuserQuery(db.url, "select 1 from audit_events where params::text like '%river-stone%'")).length).toBe(0);
  });

  it("refuses bad input with a usage message (exit 2) and a duplicate or weak password with exit 1", async () => {
    expect((await run(["create", "--email", "x@example.com", "--role", "root"])).code).toBe(2);
    expect((await run(["create", "--role", "admin"])).code).toBe(2);
    expect((await run(["frobnicate"])).code).toBe(2);
    const dup = await run(["create", "--email", "ops@example.com", "--role", "viewer"]);
    expect(dup.code).toBe(1);
    expect(dup.err[0]).toMatch(/exists already/);
    const weak = await run(["create", "--email", "weak@example.com", "--role", "viewer", "--password-stdin"], "password1234");
    expect(weak.code).toBe(1);
    expect(weak.err[0]).toMatch(/too common/);
  });

  it("lists users, resets MFA and issues a password-reset link", async () => {
    const list = await run(["list"]);
    expect(list.out.join("\n")).toMatch(/root@example\.com\s+admin\s+invited/);
    expect(list.out.join("\n")).toMatch(/ops@example\.com\s+operator\s+active/);
    await superuserQuery(db.url, "update users set mfa_enabled_at = now(), mfa_secret = 'v1.x.y.z' where email = 'ops@example.com'");
    expect((await run(["reset-mfa", "--email", "ops@example.com"])).code).toBe(0);
    const [row] = await superuserQuery(db.url, "select mfa_secret, mfa_enabled_at, sessions_revoked_at from users where email = 'ops@example.com'");
    expect(row).toMatchObject({ mfa_secret: null, mfa_enabled_at: null });
    expect(row!.sessions_revoked_at).not.toBeNull();
    const link = await run(["setup-link", "--email", "ops@example.com"]);
    expect(link.out[0]).toMatch(/^Open http:\/\/localhost:\d+\/setup\/[\w-]{43} to choose a new password/);
    expect((await run(["reset-mfa", "--email", "nobody@example.com"])).err[0]).toBe("No account for nobody@example.com.");
  });

  it("finds a running console's embedded database from its data dir (credentials file + postmaster.pid port)", async () => {
    const url = new URL(db.url);
    const dataDir = await mkdtemp(path.join(tmpdir(), "opsdeck-cli-"));
    await mkdir(path.join(dataDir, "postgres"));
    await writeFile(path.join(dataDir, "postgres-credentials.json"), JSON.stringify({ user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: url.pathname.slice(1) }));
    await writeFile(path.join(dataDir, "postgres", "postmaster.pid"), `12345\n${dataDir}/postgres\n1700000000\n${url.port}\n\n127.0.0.1\n`);
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const t = io();
      const code = await runUsersCli(["users", "list", "--data-dir", dataDir], t.io);
      expect(t.err).toEqual([]);
      expect(code).toBe(0);
      expect(t.out.join("\n")).toContain("root@example.com");
    } finally {
      process.env.DATABASE_URL = saved;
    }
  });
});
