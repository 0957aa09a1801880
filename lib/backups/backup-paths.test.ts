/**
 * Backup ids and paths: crafted ids (`../`, absolute, NUL, encoded, symlinks planted in the tree)
 * cannot name anything outside BACKUP_DIR, and downloads serve only files the manifest lists.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeNameForFile, folderNameFor, folderTime, parseBackupId, resolveBackupDir, resolveBackupFile } from "./backup-paths";
import { openBackupFile } from "./download-backup";
import { listBackupsOnDisk } from "./list-backups";

let base: string;
let root: string;
let outside: string;
const GOOD = "posthog/db/20261125T021500123Z";

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "opsdeck-paths-"));
  root = path.join(base, "backups");
  outside = path.join(base, "secret");
  await mkdir(path.join(root, GOOD), { recursive: true });
  await writeFile(path.join(root, GOOD, "posthog.pgdump"), "dump");
  await writeFile(path.join(root, GOOD, "manifest.json"), "{}");
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, "passwd"), "root:x:0:0");
  // A symlinked backup folder and a symlinked file inside a real one, both pointing outside.
  await symlink(outside, path.join(root, "posthog/db/20261125T031500123Z"));
  await symlink(path.join(outside, "passwd"), path.join(root, GOOD, "evil.pgdump"));
  // A symlinked service directory.
  await symlink(outside, path.join(root, "posthog", "redis"));
  await mkdir(path.join(root, "posthog/db/20261125T041500123Z.partial"), { recursive: true });
});
afterAll(async () => rm(base, { recursive: true, force: true }));

describe("backup ids", () => {
  it("accepts <stack>/<service>/<timestamp>[-name] and round-trips folder names", () => {
    expect(parseBackupId(GOOD)).toEqual({ stack: "posthog", service: "db", folder: "20261125T021500123Z" });
    const at = new Date("2026-11-25T02:15:00.123Z");
    expect(folderNameFor(at, "pre-upgrade-1.43.0")).toBe("20261125T021500123Z-pre-upgrade-1.43.0");
    expect(folderTime("20261125T021500123Z-pre-upgrade-1.43.0")?.toISOString()).toBe(at.toISOString());
  });

  it.each([
    "../../etc/passwd",
    "posthog/db/../../../etc",
    "/etc/passwd",
    "posthog/db/20261125T021500123Z/..",
    "posthog/../db/20261125T021500123Z",
    "posthog/db/20261125T021500123Z\0",
    "posthog/db/%2e%2e",
    "posthog/db/20261125T021500123Z.partial",
    "posthog/db/20261125T021500123Z-..",
    "posthog\\db\\20261125T021500123Z",
    "posthog/db",
    "",
  ])("refuses %j", (id) => {
    expect(() => parseBackupId(id)).toThrow(/not a valid backup id|not a valid stack|not a valid service/);
  });

  it("refuses names that could become paths", () => {
    expect(() => folderNameFor(new Date(), "../x")).toThrow();
    expect(() => folderNameFor(new Date(), "a/b")).toThrow();
    expect(encodeNameForFile("../etc/passwd")).toBe("%2E%2E%2Fetc%2Fpasswd");
    expect(encodeNameForFile("a\0b")).toBe("a%00b");
  });
});

describe("resolving inside BACKUP_DIR", () => {
  it("resolves a real backup folder and its files", async () => {
    expect(await resolveBackupDir(GOOD, root)).toBe(path.join(await import("node:fs/promises").then((f) => f.realpath(root)), GOOD));
    expect(await resolveBackupFile(GOOD, "posthog.pgdump", root)).toMatch(/posthog\.pgdump$/);
  });

  it("refuses a backup folder that is a symlink leading outside", async () => {
    await expect(resolveBackupDir("posthog/db/20261125T031500123Z", root)).rejects.toThrow(/not a valid backup id/);
  });

  it("refuses a service directory that is a symlink leading outside", async () => {
    await mkdir(path.join(outside, "20261125T021500123Z"), { recursive: true });
    await expect(resolveBackupDir("posthog/redis/20261125T021500123Z", root)).rejects.toThrow(/not a valid backup id/);
  });

  it("refuses a file that is a symlink, and file paths that climb", async () => {
    await expect(resolveBackupFile(GOOD, "evil.pgdump", root)).rejects.toThrow(/not a valid backup file/);
    for (const f of ["../../secret/passwd", "/etc/passwd", "a/../../b", "x\0y", "..", "a\\b"]) {
      await expect(resolveBackupFile(GOOD, f, root)).rejects.toThrow(/not a valid backup file/);
    }
  });

  it("a download serves only files the manifest lists", async () => {
    await writeFile(
      path.join(root, GOOD, "manifest.json"),
      "{}", // not a valid manifest: nothing is served
    );
    await expect(openBackupFile(GOOD, "posthog.pgdump", root)).rejects.toThrow(/manifest/);
  });

  it("never lists .partial folders or symlinked folders as backups", async () => {
    const listed = await listBackupsOnDisk({ root });
    expect(listed.map((b) => b.id)).toEqual([GOOD]);
  });
});
