/**
 * What the backup and restore benches share: running the console's work in a child process (so its
 * peak RSS and CPU are its own) and the medians and units of their tables.
 */
import { spawn } from "node:child_process";

/** Runs `node --import tsx <script>` with `env`; its last stdout line is the JSON result. */
export async function runConsoleChild<T>(script: string, env: NodeJS.ProcessEnv, what: string): Promise<T> {
  const child = spawn(process.execPath, ["--import", "tsx", script], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`${what} child exited ${code}: ${err.slice(-2000)}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const gib = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GiB`;
export const mib = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MiB`;
export const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const list = (xs: number[]) => xs.map((ms) => (ms / 1000).toFixed(1)).join("/");
