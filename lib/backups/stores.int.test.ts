/**
 * Remote copies, each against a real server on loopback: S3 multipart uploads (AWS SDK v3 +
 * lib-storage) to s3rver, rsync over SSH to Debian's openssh-server (a throwaway sshd with a generated
 * host key and client key; apt-get install openssh-server rsync), and another local directory. Every
 * store re-reads the copy and checks each file's sha256 against the manifest: a manifest that does
 * not match what was copied fails the copy, naming the file. The copy is recorded (backup_copies).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useMigratedTestDatabase } from "@/test/test-database";
import { freeLoopbackPorts } from "../../e2e/fixtures/posthog/free-ports";
import { pool } from "../db/pool";
import { MANIFEST_FORMAT_VERSION, type Manifest } from "./manifest";
import { LocalStore } from "./stores/local";
import { copiesOf, copyBackupToStore, storeFromEnv } from "./stores/remote-copy";
import { RsyncStore } from "./stores/rsync";
import { S3Store } from "./stores/s3";
import type { RemoteStore } from "./stores/types";

const run = promisify(execFile);
let base: string;
let dir: string;
let manifest: Manifest;
const backupId = "posthog/db/20261125T021500000Z";
let s3: S3rver;
let s3Port: number;
let sshd: ChildProcess;
let sshPort: number;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "opsdeck-stores-"));
  dir = path.join(base, "local", backupId);
  await mkdir(path.join(dir, "posthog"), { recursive: true });
  const big = randomBytes(12 * 1024 * 1024); // three 5 MiB parts on S3
  const small = randomBytes(1000);
  await writeFile(path.join(dir, "posthog.pgdump"), big);
  await writeFile(path.join(dir, "posthog", "events.native.zst"), small);
  const file = (p: string, b: Buffer) => ({ path: p, format: "postgres-custom" as const, bytes: b.length, sha256: sha(b), sourceBytes: b.length, compression: "none" as const, encrypted: false, what: p, command: { kind: "archive" as const, path: "/" } });
  manifest = {
    formatVersion: MANIFEST_FORMAT_VERSION, id: backupId, runId: randomUUID(), stack: "posthog", service: "db", engine: "postgres", name: null,
    container: { id: "c", name: "c", image: "i", imageId: "i", digest: null }, serverVersion: "15", consoleVersion: "0", startedAt: "", finishedAt: "", durationMs: 0,
    requestedBy: { kind: "system", reason: "test" }, compression: "none", encryption: null, totals: { files: 2, bytes: big.length + small.length, sourceBytes: 0 }, counts: { databases: 1, tables: 0, rows: null },
    databases: [], details: {}, prepare: [], files: [file("posthog.pgdump", big), file("posthog/events.native.zst", small)],
  };
  await writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest));

  s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: path.join(base, "s3"), configureBuckets: [{ name: "backups" }] });
  s3Port = (await s3.run()).port;

  // A throwaway sshd on loopback, root login with a generated key only.
  const ssh = path.join(base, "ssh");
  await mkdir(ssh, { mode: 0o700 });
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(ssh, "host_key")]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(ssh, "client_key")]);
  await writeFile(path.join(ssh, "authorized_keys"), await readFile(path.join(ssh, "client_key.pub")));
  [sshPort] = (await freeLoopbackPorts(1)) as [number];
  await writeFile(
    path.join(ssh, "sshd_config"),
    [`Port ${sshPort}`, "ListenAddress 127.0.0.1", `HostKey ${ssh}/host_key`, `PidFile ${ssh}/sshd.pid`, `AuthorizedKeysFile ${ssh}/authorized_keys`, "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "PermitRootLogin prohibit-password", ""].join("\n"),
  );
  await writeFile(path.join(ssh, "known_hosts"), `[127.0.0.1]:${sshPort} ${(await readFile(path.join(ssh, "host_key.pub"), "utf8")).trim()}\n`);
  await mkdir("/run/sshd", { recursive: true }); // sshd's privilege-separation directory
  sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", path.join(ssh, "sshd_config")], { stdio: "ignore" });
  await waitForPort(sshPort);
  db = await useMigratedTestDatabase("stores");
}, 120_000);

afterAll(async () => {
  sshd?.kill("SIGTERM");
  await s3?.close();
  await db?.cleanup();
  await rm(base, { recursive: true, force: true });
});

function stores(): Record<string, RemoteStore> {
  const ssh = path.join(base, "ssh");
  return {
    local: new LocalStore(path.join(base, "nas")),
    s3: new S3Store({ bucket: "backups", prefix: "opsdeck", endpoint: `http://127.0.0.1:${s3Port}`, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, partSizeBytes: 5 * 1024 * 1024 }),
    rsync: new RsyncStore({ user: userInfo().username, host: "127.0.0.1", port: sshPort, path: path.join(base, "remote"), keyFile: path.join(ssh, "client_key"), knownHostsFile: path.join(ssh, "known_hosts") }),
  };
}

describe.each(["local", "s3", "rsync"])("%s copies", (kind) => {
  it("uploads every file, checks the remote sha256 of each, lists and removes the copy", async () => {
    const store = stores()[kind]!;
    const result = await store.upload(backupId, dir, manifest);
    expect(result).toEqual({ bytes: manifest.totals.bytes, files: 2, verified: true });
    expect(await store.list()).toEqual([backupId]);
    await store.remove(backupId);
    expect(await store.list()).toEqual([]);
  });

  it("a copy whose bytes differ from the manifest fails, naming the file", async () => {
    const store = stores()[kind]!;
    const lying: Manifest = { ...manifest, files: manifest.files.map((f) => (f.path === "posthog/events.native.zst" ? { ...f, sha256: "0".repeat(64) } : f)) };
    await expect(store.upload(backupId, dir, lying)).rejects.toThrow(/remote copy of posthog\/events\.native\.zst has sha256/);
    await store.remove(backupId);
  });
});

describe("recorded copies", () => {
  it("REMOTE_TARGET picks the store; each copy is a backup_copies row with its outcome", async () => {
    expect(storeFromEnv({ REMOTE_TARGET: "s3://backups/opsdeck", BACKUP_S3_REGION: "us-east-1", BACKUP_S3_FORCE_PATH_STYLE: "1", BACKUP_SSH_PORT: 22 } as never)?.kind).toBe("s3");
    expect(storeFromEnv({ REMOTE_TARGET: "ops@backup.example.com:/srv/backups", BACKUP_SSH_PORT: 2222 } as never)?.describe()).toBe("ops@backup.example.com:/srv/backups (port 2222)");
    expect(storeFromEnv({ REMOTE_TARGET: "/mnt/nas" } as never)?.kind).toBe("local");
    expect(() => storeFromEnv({ REMOTE_TARGET: "nas:backups" } as never)).toThrow(/REMOTE_TARGET must be/);

    const runId = randomUUID();
    await pool().query(`insert into backup_runs (id, stack, service, engine, status, trigger, backup_id) values ($1, 'posthog', 'db', 'postgres', 'succeeded', 'user', $2)`, [runId, backupId]);
    const ok = await copyBackupToStore({ id: runId, backupId, stack: "posthog", service: "db" }, dir, manifest, stores().s3!);
    expect(ok).toMatchObject({ status: "succeeded", bytes: manifest.totals.bytes, error: null });
    const bad = await copyBackupToStore({ id: runId, backupId, stack: "posthog", service: "db" }, dir, { ...manifest, files: [{ ...manifest.files[0]!, sha256: "f".repeat(64) }] }, stores().rsync!);
    expect(bad).toMatchObject({ status: "failed", error: expect.stringMatching(/posthog\.pgdump/) });
    expect((await copiesOf([backupId])).map((c) => [c.store, c.status, c.verified])).toEqual([
      ["s3", "succeeded", true],
      ["rsync", "failed", false],
    ]);
    expect(existsSync(path.join(base, "remote", backupId))).toBe(false); // a failed rsync copy is never moved into place
  });
});
