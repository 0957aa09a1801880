/**
 * GET /api/v1/backups/download (lib/backups/download-response.ts, what the route handler calls): an
 * admin gets the file streamed in chunks (not one buffer) with its size and sha256, and the read is
 * audited; other roles are denied and audited; a crafted id or file — `..`, absolute paths, a NUL,
 * a symlink planted in the backup pointing outside BACKUP_DIR, a file the manifest does not list —
 * is refused and nothing outside BACKUP_DIR is ever sent. No container is needed.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import type { ActionContext } from "../actions/action-context";
import type { Role } from "../auth/policy";
import { folderNameFor } from "./backup-paths";
import { backupDownloadResponse } from "./download-response";
import { MANIFEST_FORMAT_VERSION, type Manifest } from "./manifest";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let base: string;
let root: string;
const SECRET = `outside-${randomBytes(8).toString("hex")}`;
const data = randomBytes(3 * 1024 * 1024 + 17); // several read chunks
const sha = createHash("sha256").update(data).digest("hex");
const backupId = `shop/db/${folderNameFor(new Date(Date.UTC(2026, 10, 20, 2)))}`;

const ctx = (role: Role): ActionContext => ({
  actor: { userId: randomUUID(), email: `${role}@example.com`, role, sessionId: "s", mfaAt: new Date() },
  ip: "203.0.113.9",
  userAgent: "vitest",
  requestId: randomUUID(),
});

const fileEntry = (file: string, bytes: number, sha256: string): Manifest["files"][number] => ({
  path: file, format: "postgres-custom", bytes, sha256, sourceBytes: bytes, compression: "none", encrypted: false, what: "database shop", command: { kind: "exec", argv: ["pg_dump", "-Fc"], env: {} },
});

const get = (role: Role, query: string) => backupDownloadResponse(ctx(role), new URLSearchParams(query));
const q = (id: string, file: string) => new URLSearchParams({ id, file }).toString();

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "opsdeck-download-"));
  root = path.join(base, "backups");
  const dir = path.join(root, backupId);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(base, "secret.txt"), SECRET);
  await writeFile(path.join(dir, "shop.pgdump"), data);
  await writeFile(path.join(dir, "unlisted.bin"), SECRET);
  await symlink(path.join(base, "secret.txt"), path.join(dir, "planted.pgdump"));
  const at = new Date(Date.UTC(2026, 10, 20, 2)).toISOString();
  const manifest: Manifest = {
    formatVersion: MANIFEST_FORMAT_VERSION, id: backupId, runId: randomUUID(), stack: "shop", service: "db", engine: "postgres", name: null,
    container: { id: "c", name: "c", image: "i", imageId: "i", digest: null }, serverVersion: "15", consoleVersion: "0", startedAt: at, finishedAt: at, durationMs: 1,
    requestedBy: { kind: "system", reason: "test" }, compression: "none", encryption: null, totals: { files: 2, bytes: data.length, sourceBytes: data.length }, counts: { databases: 1, tables: 0, rows: 0 },
    databases: [], details: {}, prepare: [],
    files: [
      fileEntry("shop.pgdump", data.length, sha),
      // Listed, but a symlink someone planted pointing outside BACKUP_DIR.
      fileEntry("planted.pgdump", SECRET.length, createHash("sha256").update(SECRET).digest("hex")),
    ],
  };
  await writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  db = await useMigratedTestDatabase("backupdownload");
  process.env.BACKUP_DIR = root;
});

afterAll(async () => {
  await db?.cleanup();
  await rm(base, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
});

const audit = () =>
  superuserQuery<{ outcome: string; actor_email: string | null; resource_id: string | null }>(db.url, "select outcome, actor_email, resource_id from audit_events where action = 'backup.download' order by seq");

async function bodyText(response: Response): Promise<string> {
  return Buffer.from(await response.arrayBuffer()).toString("latin1");
}

describe("backup download route", () => {
  it("an admin gets the file streamed in chunks, with its size and sha256; the read is audited", async () => {
    const response = await get("admin", q(backupId, "shop.pgdump"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(data.length));
    expect(response.headers.get("x-checksum-sha256")).toBe(sha);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="db-\d{8}T\d{9}Z-shop\.pgdump"/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const reader = response.body!.getReader();
    const hash = createHash("sha256");
    let chunks = 0;
    let largest = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      largest = Math.max(largest, value.length);
      hash.update(value);
    }
    expect(hash.digest("hex")).toBe(sha);
    expect(chunks).toBeGreaterThan(10); // streamed from disk, not read into one buffer
    expect(largest).toBeLessThan(data.length / 4);
    expect((await audit()).map((r) => [r.outcome, r.actor_email, r.resource_id])).toEqual([
      ["started", "admin@example.com", backupId],
      ["succeeded", "admin@example.com", backupId],
    ]);
  });

  it("viewers, operators and auditors are denied, and each attempt is audited", async () => {
    for (const role of ["viewer", "operator", "auditor"] as const) {
      const response = await get(role, q(backupId, "shop.pgdump"));
      expect(response.status).toBe(403);
      expect((await bodyText(response)).length).toBeLessThan(500);
    }
    const denied = (await audit()).filter((r) => r.outcome === "denied");
    expect(denied.map((r) => r.actor_email)).toEqual(["viewer@example.com", "operator@example.com", "auditor@example.com"]);
  });

  it("a crafted id or file is refused and nothing outside BACKUP_DIR is sent", async () => {
    const before = (await audit()).length;
    const crafted = [
      "id=..%2Fsecret.txt&file=manifest.json",
      "id=..%2F..%2Fsecret.txt&file=shop.pgdump",
      `id=${encodeURIComponent(`shop/db/../../../secret.txt`)}&file=manifest.json`,
      `id=${encodeURIComponent(path.join(base, "secret.txt"))}&file=manifest.json`,
      `id=${encodeURIComponent("shop/db/x\0")}&file=manifest.json`,
      `id=${encodeURIComponent("shop/db/..")}&file=secret.txt`,
      q(backupId, "../../../../secret.txt"),
      q(backupId, "..%2F..%2F..%2F..%2Fsecret.txt"),
      q(backupId, path.join(base, "secret.txt")),
      q(backupId, "a\\..\\..\\secret.txt"),
      q(backupId, "shop.pgdump\0"),
      "id=&file=",
      "",
    ];
    for (const query of crafted) {
      const response = await get("admin", query);
      expect(response.status, query).toBe(400);
      const body = await bodyText(response);
      expect(body).not.toContain(SECRET);
      expect(JSON.parse(body)).toMatchObject({ error: { code: "INVALID_INPUT" } });
    }
    // A symlink planted in the backup (listed in a tampered manifest) is refused too.
    const planted = await get("admin", q(backupId, "planted.pgdump"));
    expect(planted.status).toBe(400);
    expect(await bodyText(planted)).not.toContain(SECRET);
    // A file that is in the folder but not in the manifest is not served.
    const unlisted = await get("admin", q(backupId, "unlisted.bin"));
    expect(unlisted.status).toBe(404);
    expect(await bodyText(unlisted)).not.toContain(SECRET);
    // Refused input never reaches the audit trail as a read: only the planted/unlisted attempts ran (and failed).
    const rows = (await audit()).slice(before);
    expect(rows.filter((r) => r.outcome === "succeeded")).toEqual([]);
  });
});
