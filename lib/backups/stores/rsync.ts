/**
 * Copies over SSH with rsync (`user@host:/path`): the folder is sent to `<path>/<id>.partial`, the
 * remote copy of every file is hashed on the remote host (`sha256sum`) and compared with the manifest,
 * then the folder is renamed into place. Needs `rsync` and `ssh` on the console host and `rsync`,
 * `sha256sum` on the remote one. Host keys are checked (StrictHostKeyChecking=yes, with a known_hosts
 * file when given); the key is a file; nothing is ever prompted for (BatchMode).
 *
 * ssh runs its remote command through the remote user's shell, so every remote path is built from
 * validated parts only (backup ids, manifest file paths, the configured base path) and single-quoted.
 */
import { spawn } from "node:child_process";
import { MANIFEST_FILE, PARTIAL_SUFFIX, FOLDER_PATTERN, parseBackupId } from "../backup-paths";
import type { Manifest } from "../manifest";
import { RemoteVerifyError, type RemoteStore, type UploadResult } from "./types";

export type RsyncStoreOptions = { user: string; host: string; port?: number; path: string; keyFile?: string; knownHostsFile?: string; timeoutMs?: number };

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const SAFE_FILE = /^[A-Za-z0-9._/-]+$/;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

function runProcess(file: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-1_000_000)));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${file} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
  });
}

export class RsyncStore implements RemoteStore {
  readonly kind = "rsync" as const;
  constructor(private readonly o: RsyncStoreOptions) {
    if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(o.user)) throw new Error("invalid SSH user");
    if (!/^[A-Za-z0-9.-]+$/.test(o.host) && !/^\[?[0-9a-f:]+\]?$/i.test(o.host)) throw new Error("invalid SSH host");
    if (!SAFE_PATH.test(o.path)) throw new Error("the rsync target path must be absolute, letters, digits, . _ / - only");
    for (const f of [o.keyFile, o.knownHostsFile]) if (f !== undefined && !SAFE_PATH.test(f)) throw new Error("SSH key and known_hosts paths must be absolute, letters, digits, . _ / - only");
  }

  describe(): string {
    return `${this.o.user}@${this.o.host}:${this.o.path} (port ${this.o.port ?? 22})`;
  }

  private sshArgs(): string[] {
    return [
      "-p", String(this.o.port ?? 22),
      "-o", "BatchMode=yes",
      "-o", "StrictHostKeyChecking=yes",
      "-o", "ConnectTimeout=15",
      ...(this.o.knownHostsFile ? ["-o", `UserKnownHostsFile=${this.o.knownHostsFile}`] : []),
      ...(this.o.keyFile ? ["-i", this.o.keyFile, "-o", "IdentitiesOnly=yes"] : []),
    ];
  }

  private remoteDir(backupId: string, partial = false): string {
    parseBackupId(backupId);
    return `${this.o.path.replace(/\/+$/, "")}/${backupId}${partial ? PARTIAL_SUFFIX : ""}`;
  }

  private ssh(command: string): Promise<{ stdout: string; stderr: string }> {
    return runProcess("ssh", [...this.sshArgs(), `${this.o.user}@${this.o.host}`, command], this.o.timeoutMs ?? 600_000);
  }

  async upload(backupId: string, dir: string, manifest: Manifest): Promise<UploadResult> {
    const partial = this.remoteDir(backupId, true);
    const final = this.remoteDir(backupId);
    await this.ssh(`mkdir -p -- ${shellQuote(partial)}`);
    await runProcess("rsync", ["-rt", "--delete", "--partial", "-e", ["ssh", ...this.sshArgs()].join(" "), `${dir}/`, `${this.o.user}@${this.o.host}:${partial}/`], this.o.timeoutMs ?? 6 * 3600_000);
    const files = manifest.files.map((f) => f.path);
    for (const f of files) if (!SAFE_FILE.test(f) || f.split("/").includes("..")) throw new Error(`unexpected file name ${f}`);
    const { stdout } = await this.ssh(`cd -- ${shellQuote(partial)} && sha256sum -- ${files.map(shellQuote).join(" ")}`);
    const remote = new Map<string, string>();
    for (const line of stdout.split("\n")) {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
      if (m) remote.set(m[2]!, m[1]!);
    }
    let bytes = 0;
    for (const f of manifest.files) {
      const actual = remote.get(f.path) ?? "(missing)";
      if (actual !== f.sha256) throw new RemoteVerifyError(f.path, f.sha256, actual);
      bytes += f.bytes;
    }
    await this.ssh(`test -f ${shellQuote(`${partial}/${MANIFEST_FILE}`)} && rm -rf -- ${shellQuote(final)} && mv -- ${shellQuote(partial)} ${shellQuote(final)}`);
    return { bytes, files: files.length, verified: true };
  }

  async remove(backupId: string): Promise<void> {
    await this.ssh(`rm -rf -- ${shellQuote(this.remoteDir(backupId))} ${shellQuote(this.remoteDir(backupId, true))}`);
  }

  async list(): Promise<string[]> {
    const { stdout } = await this.ssh(`cd -- ${shellQuote(this.o.path)} 2>/dev/null && find . -mindepth 4 -maxdepth 4 -name ${MANIFEST_FILE} -type f || true`);
    return stdout
      .split("\n")
      .map((l) => l.trim().replace(/^\.\//, "").replace(new RegExp(`/${MANIFEST_FILE}$`), ""))
      .filter((id) => id.split("/").length === 3 && FOLDER_PATTERN.test(id.split("/")[2]!));
  }
}
