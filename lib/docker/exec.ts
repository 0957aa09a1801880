/**
 * Runs a command in a container through the Engine API with an argv array (never a shell string,
 * invariant 4) and collects its exit code and demultiplexed output, with a size cap and a timeout.
 * For large outputs (dumps) use a streaming exec instead; this one is for short commands.
 */
import type Docker from "dockerode";
import { FrameDemuxer, type StdStream } from "./demux";

export type ExecResult = { exitCode: number | null; stdout: string; stderr: string; truncated: boolean };

export type ExecOptions = {
  user?: string;
  env?: string[];
  workingDir?: string;
  timeoutMs?: number;
  /** Bytes kept per stream (default 1 MiB); the rest is read and dropped. */
  maxBytes?: number;
};

export async function execInContainer(container: Docker.Container, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new Error("execInContainer needs a command");
  const exec = await container.exec({
    Cmd: [...argv],
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    User: options.user,
    Env: options.env,
    WorkingDir: options.workingDir,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const kept: Record<StdStream, Buffer[]> = { stdout: [], stderr: [] };
  const sizes: Record<StdStream, number> = { stdout: 0, stderr: 0 };
  let truncated = false;
  const demuxer = new FrameDemuxer();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`exec ${argv[0]} timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 60_000);
    stream.on("data", (bytes: Buffer) => {
      for (const chunk of demuxer.push(bytes)) {
        const room = maxBytes - sizes[chunk.stream];
        if (room <= 0) {
          truncated = true;
          continue;
        }
        const part = chunk.data.length > room ? chunk.data.subarray(0, room) : chunk.data;
        if (part.length < chunk.data.length) truncated = true;
        kept[chunk.stream].push(Buffer.from(part));
        sizes[chunk.stream] += part.length;
      }
    });
    stream.on("end", () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on("error", (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    info = await exec.inspect();
  }
  return {
    exitCode: info.ExitCode ?? null,
    stdout: Buffer.concat(kept.stdout).toString("utf8"),
    stderr: Buffer.concat(kept.stderr).toString("utf8"),
    truncated,
  };
}
