/**
 * Guided restore of a volume (e.g. PostHog uploads) into a scratch container with a named volume:
 * known files → backup → change (edit, delete, add) → a non-empty path without drop-and-replace is
 * refused untouched → with drop-and-replace the path holds exactly the backup again (the added file is
 * gone) and the verification compares every entry → the rollback brings back the changed files, so the
 * safety backup held them → without drop-and-replace into an empty path, it restores and verifies too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { useMigratedTestDatabase } from "@/test/test-database";
import { getSharedPosthogFixture } from "../../e2e/fixtures/posthog/shared";
import type { PosthogFixture } from "../../e2e/fixtures/posthog/stack";
import { execText } from "../backups/engines/command";
import type { BackupTarget } from "../backups/engines/types";
import { runBackup } from "../backups/run-backup";
import { startScratchVolume, type ScratchServer } from "../backups/testing/scratch-servers";
import { isAppError } from "../errors/app-error";
import { prepareRestore, runRestore, startRestore } from "./execute-restore";
import { getRestoreRun } from "./restore-runs";
import { startRollback } from "./rollback-restore";

let fixture: PosthogFixture;
let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let root: string;
let vol: ScratchServer;
const admin = { userId: null, email: "admin@example.com" };

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "opsdeck-restore-vol-"));
  process.env.BACKUP_DIR = root;
  delete process.env.BACKUP_AGE_IDENTITY;
  fixture = await getSharedPosthogFixture();
  [db, vol] = await Promise.all([useMigratedTestDatabase("restorevol"), startScratchVolume(fixture.docker, "/data/uploads")]);
}, 300_000);

afterAll(async () => {
  await vol?.teardown().catch(() => undefined);
  await db?.cleanup();
  await fixture?.release();
  await rm(root, { recursive: true, force: true });
  delete process.env.BACKUP_DIR;
});

const sh = (target: BackupTarget, script: string) => execText(target, { kind: "exec", argv: ["/bin/sh", "-c", script], env: {}, secretEnv: [] });
/** Every file below the path with its content's checksum, and every folder: what "the same files" means here. */
const fingerprint = (target: BackupTarget) => sh(target, `cd ${target.path} && find . -mindepth 1 | sort | while read f; do if [ -d "$f" ]; then echo "d $f"; else echo "f $f $(md5sum < "$f" | cut -c1-32)"; fi; done`);

it("restores a volume: refused untouched without drop-and-replace, exact with it (verified entry by entry), undone by the rollback", async () => {
  const target = vol.target;
  await sh(target, "mkdir -p /data/uploads/avatars/2026 && echo ada > /data/uploads/avatars/2026/ada.png && head -c 300000 /dev/urandom > /data/uploads/export.bin && echo v1 > /data/uploads/readme.txt");
  const known = await fingerprint(target);
  const backup = await runBackup({ target, requestedBy: { kind: "user", ...admin }, root });
  if (backup.status !== "succeeded") throw new Error(backup.error);

  await sh(target, "echo v2 > /data/uploads/readme.txt && rm /data/uploads/avatars/2026/ada.png && echo stray > /data/uploads/stray.txt");
  const changed = await fingerprint(target);
  expect(changed).not.toBe(known);

  // The plan says what will happen, before anything does.
  const dry = await prepareRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId: backup.backupId, root, choices: { dropAndReplace: true } });
  expect(dry.preflight.checks.find((c) => c.key === "readable")).toMatchObject({ result: "ok", detail: "tar header present" });
  expect(dry.preflight.checks.find((c) => c.key === "empty-path")).toMatchObject({ result: "ok" });
  expect(dry.plan!.steps.map((s) => s.title)).toEqual(expect.arrayContaining(["Empty /data/uploads (drop and replace)", "Verify every file and folder of the backup is back, with its size"]));
  expect(dry.plan!.steps.find((s) => s.key === "prepare")!.commands[0]).toMatchObject({ kind: "exec", argv: ["find", "/data/uploads", "-mindepth", "1", "-maxdepth", "1", "-exec", "rm", "-rf", "{}", "+"] });

  const refused = await startRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId: backup.backupId, root, choices: { dropAndReplace: false }, requestedBy: admin }).catch((e: unknown) => e);
  expect(isAppError(refused) && refused.code).toBe("CONFLICT");
  expect((refused as Error).message).toMatch(/Target empty: the target is not empty \(\/data\/uploads holds files\)/);
  expect(await fingerprint(target)).toBe(changed);

  const outcome = await runRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId: backup.backupId, root, choices: { dropAndReplace: true }, reason: "test", requestedBy: admin });
  expect(outcome, outcome.error ?? "").toMatchObject({ status: "succeeded", verification: { ok: true } });
  expect(await fingerprint(target)).toBe(known); // the stray file is gone, the deleted one back, the edit undone
  const run = (await getRestoreRun(outcome.runId))!;
  expect(run.steps.find((s) => s.key === "prepare")).toMatchObject({ status: "succeeded", detail: "removed everything below /data/uploads" });
  expect(outcome.verification!.checks).toEqual(
    expect.arrayContaining([expect.objectContaining({ what: "/data/uploads: entries of the backup present", expected: 5, actual: 5, result: "ok" }), expect.objectContaining({ what: "/data/uploads: same type and size", result: "ok" })]),
  );

  // Undo from the safety backup: the changed files come back, so the safety backup held them.
  const rollback = await startRollback({ runId: outcome.runId, restoreTarget: { target, dependents: [] }, root, dropAndReplace: true, requestedBy: admin, reason: "undo" });
  expect(await rollback.done).toMatchObject({ status: "succeeded" });
  expect(await fingerprint(target)).toBe(changed);
}, 240_000);

it("into an empty path no choice is needed, and a file that comes back with another size fails the verification", async () => {
  const target = vol.target;
  await sh(target, "rm -rf /data/uploads/* && echo one > /data/uploads/a.txt");
  const backup = await runBackup({ target, requestedBy: { kind: "user", ...admin }, root });
  if (backup.status !== "succeeded") throw new Error(backup.error);
  await sh(target, "rm -rf /data/uploads/*");

  const outcome = await runRestore({ kind: "restore", restoreTarget: { target, dependents: [] }, backupId: backup.backupId, root, choices: { dropAndReplace: false }, reason: "test", requestedBy: admin });
  expect(outcome, outcome.error ?? "").toMatchObject({ status: "succeeded", verification: { ok: true } });
  expect(await sh(target, "cat /data/uploads/a.txt")).toBe("one\n");

  // A writer that changes the file as the restore finishes: the verification sees the size differ and fails the run.
  const tampered = await runRestore({
    kind: "restore",
    restoreTarget: { target, dependents: [] },
    backupId: backup.backupId,
    root,
    choices: { dropAndReplace: true },
    reason: "test",
    requestedBy: admin,
    onStep: async (key) => {
      if (key === "verify") await sh(target, "echo 'written during the restore' > /data/uploads/a.txt");
    },
  });
  expect(tampered).toMatchObject({ status: "failed", failedStep: "verify", error: expect.stringContaining("same type and size") });
}, 240_000);
