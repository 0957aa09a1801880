/**
 * A dry run: exactly the commands a backup would run (argv, environment with secrets masked, what
 * goes on stdin), the files it would write and where, with which compression and key — and nothing
 * is run or written. Without `discover`, per-database and per-table commands are shown once with
 * `{database}`/`{table}` placeholders and the read-only discovery queries that list them; with
 * `discover: true` those read-only queries are run and the concrete commands are listed (the same
 * ones a backup started now would run).
 */
import path from "node:path";
import { COMPRESSION_SUFFIX, defaultCompression } from "./artifact-writer";
import { PARTIAL_SUFFIX, backupRoot, parseBackupId } from "./backup-paths";
import { displayCommand } from "./engines/command";
import { engineFor } from "./engines";
import type { BackupTarget, CommandDisplay } from "./engines/types";
import { loadBackupKeys } from "./encryption/age-keys";
import { newBackupId } from "./run-backup";

export type DryRunResult = {
  service: string;
  stack: string;
  engine: string;
  container: string;
  backupId: string;
  /** Written here while running, renamed to `finalPath` when complete. */
  partialPath: string;
  finalPath: string;
  encryption: { keyId: string } | null;
  discovered: boolean;
  placeholders: string | null;
  discovery: CommandDisplay[];
  prepare: CommandDisplay[];
  files: Array<{ file: string; what: string; compression: string; encrypted: boolean; command: CommandDisplay }>;
};

export async function dryRunBackup(args: { target: BackupTarget; name?: string | null; encrypt?: boolean; discover?: boolean; root?: string }): Promise<DryRunResult> {
  const { target } = args;
  const engine = engineFor(target.kind);
  const keys = await loadBackupKeys();
  const encrypted = args.encrypt !== false && keys.recipients.length > 0;
  const description = args.discover ? await engine.describe(target) : null;
  const plan = engine.plan(target, description);
  const backupId = newBackupId({ target, name: args.name ?? null });
  const parts = parseBackupId(backupId);
  const serviceDir = path.join(args.root ? path.resolve(args.root) : backupRoot(), parts.stack, parts.service);
  const compression = defaultCompression();
  return {
    service: target.service,
    stack: target.stack,
    engine: target.kind,
    container: target.containerId.slice(0, 12),
    backupId,
    partialPath: path.join(serviceDir, parts.folder + PARTIAL_SUFFIX),
    finalPath: path.join(serviceDir, parts.folder),
    encryption: encrypted ? { keyId: keys.keyId! } : null,
    discovered: description !== null,
    placeholders: plan.placeholders ?? null,
    discovery: plan.discovery.map(displayCommand),
    prepare: plan.prepare.map(displayCommand),
    files: plan.files.map((f) => {
      const c = f.compress ? compression : "none";
      return { file: `${f.file}${COMPRESSION_SUFFIX[c]}${encrypted ? ".age" : ""}`, what: f.what, compression: c, encrypted, command: displayCommand(f.command) };
    }),
  };
}
