/**
 * age streams: round trips at chunk edges, interoperability with Debian's `age` CLI in both directions
 * (apt-get install age), and loud failures for a wrong key, a flipped byte and truncation.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgeDecryptError, agePlaintextSize, createAgeDecryptStream, createAgeEncryptStream } from "./age-stream";
import { keyIdOf, loadBackupKeys } from "./age-keys";

const run = promisify(execFile);
const CHUNK = 64 * 1024;

async function collect(source: Readable | Buffer, ...transforms: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      cb();
    },
  });
  const input = Buffer.isBuffer(source) ? Readable.from(splitInto(source, 7_000)) : source;
  await (pipeline as unknown as (...streams: unknown[]) => Promise<void>)(input, ...transforms, sink);
  return Buffer.concat(parts);
}

function* splitInto(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
  if (buf.length === 0) return;
}

let dir: string;
let identity: string;
let recipient: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "opsdeck-age-"));
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const encrypt = async (plain: Buffer) => collect(plain, await createAgeEncryptStream([recipient]));
const decrypt = async (sealed: Buffer, ids = [identity]) => collect(sealed, createAgeDecryptStream(ids));

describe("age streams", () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])("round-trips %i bytes", async (size) => {
    const plain = randomBytes(size);
    const sealed = await encrypt(plain);
    expect((await decrypt(sealed)).equals(plain)).toBe(true);
  });

  it("the age CLI decrypts what we encrypt, and we decrypt what the age CLI encrypts", async () => {
    const plain = randomBytes(2 * CHUNK + 123);
    const keyFile = path.join(dir, "key.txt");
    await writeFile(keyFile, `# test key\n${identity}\n`, { mode: 0o600 });
    const ours = path.join(dir, "ours.age");
    await writeFile(ours, await encrypt(plain));
    const out = path.join(dir, "ours.out");
    await run("age", ["-d", "-i", keyFile, "-o", out, ours]);
    expect((await readFile(out)).equals(plain)).toBe(true);

    const plainFile = path.join(dir, "theirs.in");
    await writeFile(plainFile, plain);
    const theirs = path.join(dir, "theirs.age");
    await run("age", ["-r", recipient, "-o", theirs, plainFile]);
    expect((await decrypt(await readFile(theirs))).equals(plain)).toBe(true);
  });

  it("a wrong key fails loudly and yields nothing", async () => {
    const sealed = await encrypt(randomBytes(1000));
    const other = await generateX25519Identity();
    await expect(decrypt(sealed, [other])).rejects.toThrow(/wrong key/);
  });

  it("a flipped byte in the payload, header or MAC fails", async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK));
    for (const at of [sealed.length - 5, sealed.length - 2 * CHUNK, 30]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      await expect(decrypt(bad)).rejects.toBeInstanceOf(AgeDecryptError);
    }
  });

  it("truncation fails: mid-chunk, at a chunk boundary, inside the header", async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK + 500));
    const headerAndNonce = sealed.length - (3 * CHUNK + 500) - 4 * 16;
    await expect(decrypt(sealed.subarray(0, sealed.length - 100))).rejects.toThrow(/truncated/);
    await expect(decrypt(sealed.subarray(0, headerAndNonce + 2 * (CHUNK + 16)))).rejects.toThrow(/truncated/);
    await expect(decrypt(sealed.subarray(0, 40))).rejects.toThrow(/truncated|header/);
    expect(agePlaintextSize(sealed.length - headerAndNonce)).toBe(3 * CHUNK + 500);
  });

  it("loads keys from a file and an env value; the first identity is the current key", async () => {
    const second = await generateX25519Identity();
    const keyFile = path.join(dir, "keys.txt");
    await writeFile(keyFile, `# created: now\n${identity}\n\n${second}\n`);
    const keys = await loadBackupKeys({ BACKUP_AGE_IDENTITY_FILE: keyFile, BACKUP_AGE_RECIPIENTS: "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq" } as never);
    expect(keys.identities).toEqual([identity, second]);
    expect(keys.recipients[0]).toBe(recipient);
    expect(keys.recipients).toHaveLength(2);
    expect(keys.keyId).toBe(keyIdOf(recipient));
    expect(keys.keyId).toMatch(/^age:[0-9a-f]{16}$/);
    await expect(loadBackupKeys({ BACKUP_AGE_IDENTITY: "not-a-key" } as never)).rejects.toThrow(/not an age identity/);
    expect((await loadBackupKeys({} as never)).keyId).toBeNull();
  });
});
