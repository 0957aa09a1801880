/**
 * Running and showing engine commands. `runCommand` starts an exec (argv, env, optional stdin) or an
 * archive read in the target's container and returns its stdout stream; `displayCommand` is the
 * same command with secrets masked (for dry runs, manifests, logs and audit rows); `execText` runs a
 * short query and returns its output, failing with the command's stderr tail.
 */
import { Readable } from "node:stream";
import { MASK, redactCommandOutput } from "../../docker/mask-env";
import { execCollect, startExecStream, type ExecOutcome } from "../exec-stream";
import type { BackupTarget, Command, CommandDisplay, ExecCommand } from "./types";

export class CommandFailedError extends Error {
  constructor(
    readonly command: CommandDisplay,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    const name = command.kind === "exec" ? command.argv[0] : `archive ${command.path}`;
    super(`${name} exited with ${exitCode ?? "no exit code"}${stderrTail.trim() ? `: ${stderrTail.trim().split("\n").slice(-3).join(" | ")}` : ""}`);
    this.name = "CommandFailedError";
  }
}

/** Removes the target's own secret from text, then anything that looks like a credential. */
export function scrub(text: string, target: Pick<BackupTarget, "password">): string {
  let out = text;
  if (target.password && target.password.length >= 4) out = out.split(target.password).join(MASK);
  return redactCommandOutput(out);
}

/**
 * Flags whose next argument is a secret (exact names: `--no-auth-warning` is not one). `-a` is
 * redis-cli's password flag and is case-sensitive: psql's `-A` (unaligned output) is not a secret.
 */
const SECRET_FLAGS = /^--?(password|passwd|pass|secret|token|auth)$/i;
const isSecretFlag = (arg: string) => arg === "-a" || SECRET_FLAGS.test(arg);

/**
 * argv as shown: the value after a secret flag, `--password=…`, URL credentials and secret-looking
 * KEY=value pairs masked. (The engines never put secrets in argv; this is the second line of defence.)
 */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (isSecretFlag(arg) && i + 1 < argv.length) {
      out.push(arg, MASK);
      i++;
      continue;
    }
    const eq = /^(--?(?:password|passwd|pass|secret|token)=)/i.exec(arg);
    out.push(eq ? `${eq[1]}${MASK}` : redactCommandOutput(arg));
  }
  return out;
}

export function displayCommand(command: Command): CommandDisplay {
  if (command.kind === "archive") return { kind: "archive", path: command.path, ...(command.note ? { note: command.note } : {}) };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(command.env)) env[k] = command.secretEnv.includes(k) ? MASK : v;
  return {
    kind: "exec",
    argv: maskArgv(command.argv),
    env,
    ...(command.stdin ? { stdin: command.stdin.description } : {}),
    ...(command.note ? { note: command.note } : {}),
  };
}

export function tool(target: BackupTarget, name: string): string {
  return target.binDir ? `${target.binDir.replace(/\/+$/, "")}/${name}` : name;
}

export type RunningCommand = { stdout: Readable; outcome: Promise<ExecOutcome> };

/** Starts a command; stdout must be consumed. `input` feeds stdin (restores); exec stdin content wins otherwise. */
export async function runCommand(target: BackupTarget, command: Command, options: { input?: Readable; signal?: AbortSignal } = {}): Promise<RunningCommand> {
  const container = target.docker.getContainer(target.containerId);
  if (command.kind === "archive") {
    const tar = (await container.getArchive({ path: command.path })) as unknown as Readable;
    const outcome = new Promise<ExecOutcome>((resolve, reject) => {
      tar.once("end", () => resolve({ exitCode: 0, stderrTail: "", stdinError: null }));
      tar.once("error", reject);
    });
    outcome.catch(() => undefined);
    options.signal?.addEventListener("abort", () => tar.destroy(new Error("aborted")), { once: true });
    return { stdout: tar, outcome };
  }
  const stdin = options.input ?? (command.stdin ? Readable.from([Buffer.from(command.stdin.content)]) : undefined);
  return startExecStream(container, command.argv, { env: command.env, stdin, signal: options.signal });
}

/** Runs a short command and returns stdout; a non-zero exit throws CommandFailedError (scrubbed). */
export async function execText(target: BackupTarget, command: ExecCommand, options: { timeoutMs?: number; input?: Readable } = {}): Promise<string> {
  const container = target.docker.getContainer(target.containerId);
  const stdin = options.input ?? (command.stdin ? Readable.from([Buffer.from(command.stdin.content)]) : undefined);
  const result = await execCollect(container, command.argv, { env: command.env, stdin, timeoutMs: options.timeoutMs ?? 60_000 });
  if (result.exitCode !== 0) throw new CommandFailedError(displayCommand(command), result.exitCode, scrub(result.stderrTail, target));
  return result.stdout;
}

/** Waits for a started command and throws CommandFailedError unless it exited 0 with its input intact. */
export async function expectSuccess(target: BackupTarget, command: Command, outcome: Promise<ExecOutcome>): Promise<ExecOutcome> {
  const result = await outcome;
  if (result.stdinError) throw result.stdinError;
  if (result.exitCode !== 0) throw new CommandFailedError(displayCommand(command), result.exitCode, scrub(result.stderrTail, target));
  return result;
}

/**
 * Writes secret `content` to a fresh mktemp file (mode 0600) in the container for a command whose
 * stdin carries data (restores), and removes it afterwards, whatever happens.
 */
export async function withTempFile<T>(target: BackupTarget, content: string, fn: (path: string) => Promise<T>): Promise<T> {
  const plain = (argv: string[]): ExecCommand => ({ kind: "exec", argv, env: {}, secretEnv: [] });
  const file = (await execText(target, plain(["mktemp"]))).trim();
  if (!/^\/[A-Za-z0-9._/-]+$/.test(file)) throw new Error("mktemp in the container returned an unexpected path");
  try {
    // tee keeps mktemp's 0600 mode while writing the content from stdin.
    await execText(target, plain(["tee", file]), { input: Readable.from([Buffer.from(content)]) });
    return await fn(file);
  } finally {
    await execText(target, plain(["rm", "-f", file])).catch(() => undefined);
  }
}
