/** Docker's multiplexed exec stream, split at every possible byte: stdout passes through, stderr is a bounded tail. */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { StdoutDemux } from "./exec-stream";

function frame(stream: 1 | 2, data: string): Buffer {
  const payload = Buffer.from(data);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function run(chunks: Buffer[], keep = 8192) {
  const demux = new StdoutDemux(keep);
  const out: Buffer[] = [];
  demux.on("data", (c: Buffer) => out.push(c));
  await new Promise<void>((resolve, reject) => {
    Readable.from(chunks).pipe(demux).on("end", resolve).on("error", reject);
  });
  return { stdout: Buffer.concat(out).toString(), stderr: demux.stderrTail };
}

describe("StdoutDemux", () => {
  const whole = Buffer.concat([frame(1, "hello "), frame(2, "warning: x\n"), frame(1, "world"), frame(2, "done\n")]);

  it("demultiplexes however the bytes are cut", async () => {
    for (let cut = 1; cut < whole.length; cut++) {
      const r = await run([whole.subarray(0, cut), whole.subarray(cut)]);
      expect(r).toEqual({ stdout: "hello world", stderr: "warning: x\ndone\n" });
    }
    const bytes = [...whole].map((b) => Buffer.from([b]));
    expect(await run(bytes)).toEqual({ stdout: "hello world", stderr: "warning: x\ndone\n" });
  });

  it("keeps only the tail of a long stderr", async () => {
    const r = await run([frame(2, "x".repeat(10_000) + "END")], 100);
    expect(r.stderr).toHaveLength(100);
    expect(r.stderr.endsWith("END")).toBe(true);
  });

  it("fails when the stream is cut mid-frame", async () => {
    await expect(run([whole.subarray(0, whole.length - 2)])).rejects.toThrow(/cut off/);
  });
});
