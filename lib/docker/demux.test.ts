import { describe, expect, it } from "vitest";
import { FrameDemuxer, LineSplitter, demuxAll } from "./demux";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("docker stream demultiplexing", () => {
  it("splits frames cut at any byte and keeps stdout and stderr apart", () => {
    const all = Buffer.concat([frame(1, "out one\nout "), frame(2, "err one\n"), frame(1, "two\n")]);
    for (let cut = 1; cut < all.length; cut++) {
      const demuxer = new FrameDemuxer();
      const splitter = new LineSplitter();
      const lines = [...demuxer.push(all.subarray(0, cut)), ...demuxer.push(all.subarray(cut))].flatMap((c) => splitter.push(c));
      expect(lines).toEqual([
        { stream: "stdout", line: "out one" },
        { stream: "stderr", line: "err one" },
        { stream: "stdout", line: "out two" },
      ]);
      expect(demuxer.buffered).toBe(0);
    }
  });

  it("joins a large frame cut across many reads, and passes whole frames on without a copy", () => {
    const big = Buffer.alloc(1024 * 1024, 7);
    const all = Buffer.concat([frame(2, "e"), frame(1, big.toString("latin1")), frame(1, "tail")]);
    const demuxer = new FrameDemuxer();
    const chunks: Array<{ stream: string; data: Buffer }> = [];
    for (let i = 0; i < all.length; i += 4093) chunks.push(...demuxer.push(all.subarray(i, i + 4093)));
    expect(chunks.map((c) => [c.stream, c.data.length])).toEqual([["stderr", 1], ["stdout", big.length], ["stdout", 4]]);
    expect(chunks[1]!.data.equals(big)).toBe(true);
    expect(demuxer.buffered).toBe(0);
    const whole = frame(1, "abc");
    const [only] = new FrameDemuxer().push(whole);
    expect(only!.data.buffer).toBe(whole.buffer);
    // A cut stream leaves bytes behind.
    const cut = new FrameDemuxer();
    expect(cut.push(whole.subarray(0, 5))).toEqual([]);
    expect(cut.buffered).toBe(5);
  });

  it("emits a last line without newline on flush and cuts endless lines", () => {
    const splitter = new LineSplitter(4);
    expect(splitter.push({ stream: "stdout", data: Buffer.from("abcdefghij") })).toEqual([
      { stream: "stdout", line: "abcd" },
      { stream: "stdout", line: "efgh" },
    ]);
    expect(splitter.flush()).toEqual([{ stream: "stdout", line: "ij" }]);
  });

  it("demuxes a whole buffer", () => {
    expect(demuxAll(Buffer.concat([frame(1, "a"), frame(2, "b"), frame(1, "c")]))).toEqual({ stdout: "ac", stderr: "b" });
  });
});
