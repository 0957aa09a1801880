/**
 * Streamed encryption in the age format (age-encryption.org/v1), so an operator can decrypt a backup
 * with the standard `age` CLI (`age -d -i key.txt file.age`) when Opsdeck itself is gone.
 *
 * The header (recipient stanzas and their HMAC) is made and checked by typage (`age-encryption`,
 * Filippo Valsorda's reference TypeScript implementation). The payload — the bulk of every backup —
 * is age's STREAM construction (64 KiB chunks, ChaCha20-Poly1305, 11-byte big-endian chunk counter
 * + last-chunk flag as the nonce, key = HKDF-SHA256(file key, nonce, "payload")) done with Node's
 * native ChaCha20-Poly1305: typage's pure-JS cipher runs at ~25 MiB/s on these machines, slower than
 * pg_dump writes. Both directions are Node Transform streams with constant memory.
 *
 * Decryption fails loudly: a wrong key ("no identity matched"), a changed header (HMAC), a flipped
 * byte in any chunk (authentication), and a truncated file (the final-chunk flag cannot verify) all
 * end the stream with an error; no unauthenticated plaintext is ever passed on.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { Decrypter, Encrypter, type Recipient, type Stanza } from "age-encryption";

const CHUNK = 64 * 1024;
const TAG = 16;
const NONCE = 16;
const MAX_HEADER = 64 * 1024;
const HEADER_END = Buffer.from("\n--- ");

export class AgeDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgeDecryptError";
  }
}

function payloadKey(fileKey: Uint8Array, nonce: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", fileKey, nonce, "payload", 32));
}

function chunkNonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  // 11-byte big-endian counter; 2^48 chunks (16 EiB) is far beyond any backup.
  n.writeUIntBE(counter, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
}

/** Captures the file key typage generates, adding no stanza of its own. */
class FileKeyCapture implements Recipient {
  fileKey: Uint8Array | null = null;
  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    this.fileKey = new Uint8Array(fileKey);
    return [];
  }
}

/**
 * An encrypting Transform for `recipients` (age1… strings). Output: header, 16-byte nonce, payload.
 */
export async function createAgeEncryptStream(recipients: readonly string[]): Promise<Transform> {
  if (recipients.length === 0) throw new Error("age encryption needs at least one recipient");
  const encrypter = new Encrypter();
  for (const r of recipients) encrypter.addRecipient(r);
  const capture = new FileKeyCapture();
  encrypter.addRecipient(capture);
  // An empty file is header ‖ nonce ‖ one empty final chunk (its 16-byte tag): keep header ‖ nonce.
  const empty = await encrypter.encrypt(new Uint8Array(0));
  if (!capture.fileKey) throw new Error("age: the file key was not captured");
  const prefix = Buffer.from(empty.subarray(0, empty.length - TAG));
  const nonce = prefix.subarray(prefix.length - NONCE);
  const key = payloadKey(capture.fileKey, nonce);
  capture.fileKey.fill(0);
  return new AgeEncryptTransform(prefix, key);
}

/** Bytes received but not yet sealed or opened, taken in chunk-sized pieces. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  /** The next `n` bytes: a view when the first piece holds them all, else one copy. */
  take(n: number): Buffer {
    this.length -= n;
    const first = this.parts[0];
    if (first && first.length >= n) {
      this.parts[0] = first.subarray(n);
      if (this.parts[0].length === 0) this.parts.shift();
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const head = this.parts[0]!;
      const need = n - filled;
      if (head.length <= need) {
        head.copy(out, filled);
        filled += head.length;
        this.parts.shift();
      } else {
        head.copy(out, filled, 0, need);
        this.parts[0] = head.subarray(need);
        filled += need;
      }
    }
    return out;
  }
}

class AgeEncryptTransform extends Transform {
  private readonly pending = new ByteQueue();
  private counter = 0;
  private prefix: Buffer | null;

  constructor(prefix: Buffer, private readonly key: Buffer) {
    super({ highWaterMark: 512 * 1024 });
    this.prefix = prefix;
  }

  /** Seals `plain` as the next chunk into `out` at `at`; returns the bytes written. */
  private sealInto(plain: Buffer, last: boolean, out: Buffer, at: number): number {
    const cipher = createCipheriv("chacha20-poly1305", this.key, chunkNonce(this.counter++, last), { authTagLength: TAG });
    let n = cipher.update(plain).copy(out, at);
    n += cipher.final().copy(out, at + n);
    n += cipher.getAuthTag().copy(out, at + n);
    return n;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.prefix) {
      this.push(this.prefix);
      this.prefix = null;
    }
    this.pending.push(chunk);
    // A full chunk is sealed as "not last" only once more data follows it; every chunk sealed from
    // this input goes on in one buffer.
    const full = Math.floor((this.pending.length - 1) / CHUNK);
    if (full > 0) {
      const out = Buffer.allocUnsafe(full * (CHUNK + TAG));
      let at = 0;
      for (let i = 0; i < full; i++) at += this.sealInto(this.pending.take(CHUNK), false, out, at);
      this.push(out);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.prefix) {
      this.push(this.prefix);
      this.prefix = null;
    }
    const out = Buffer.allocUnsafe(this.pending.length + TAG);
    this.push(out.subarray(0, this.sealInto(this.pending.take(this.pending.length), true, out, 0)));
    this.key.fill(0);
    done();
  }
}

/**
 * A decrypting Transform trying each of `identities` (AGE-SECRET-KEY-1… strings). Errors are
 * AgeDecryptError with a message that says what is wrong (wrong key, corrupted, truncated).
 */
export function createAgeDecryptStream(identities: readonly string[]): Transform {
  if (identities.length === 0) throw new AgeDecryptError("this backup is encrypted and no age identity is configured (BACKUP_AGE_IDENTITY_FILE or BACKUP_AGE_IDENTITY)");
  const decrypter = new Decrypter();
  for (const id of identities) decrypter.addIdentity(id);
  return new AgeDecryptTransform(decrypter);
}

class AgeDecryptTransform extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private key: Buffer | null = null;
  private readonly pending = new ByteQueue();
  private counter = 0;

  constructor(private readonly decrypter: Decrypter) {
    super();
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    if (sealed.length < TAG) throw new AgeDecryptError("the encrypted file is truncated");
    const decipher = createDecipheriv("chacha20-poly1305", this.key!, chunkNonce(this.counter, last), { authTagLength: TAG });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    try {
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
      this.counter++;
      return plain;
    } catch {
      throw new AgeDecryptError(
        last
          ? `the encrypted file is truncated or corrupted (chunk ${this.counter} does not authenticate as the final chunk)`
          : `the encrypted file is corrupted (chunk ${this.counter} does not authenticate)`,
      );
    }
  }

  private async readHeader(): Promise<boolean> {
    const end = this.head.indexOf(HEADER_END);
    const lineEnd = end === -1 ? -1 : this.head.indexOf(0x0a, end + HEADER_END.length);
    if (lineEnd === -1 || this.head.length < lineEnd + 1 + NONCE) {
      if (this.head.length > MAX_HEADER) throw new AgeDecryptError("not an age-encrypted file (no header end found)");
      return false;
    }
    if (!this.head.subarray(0, 22).equals(Buffer.from("age-encryption.org/v1\n"))) throw new AgeDecryptError("not an age-encrypted file");
    const header = this.head.subarray(0, lineEnd + 1);
    let fileKey: Uint8Array;
    try {
      fileKey = await this.decrypter.decryptHeader(new Uint8Array(header));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new AgeDecryptError(/no identity matched/i.test(message) ? "wrong key: none of the configured age identities can decrypt this file" : `the age header is invalid: ${message}`);
    }
    const nonce = this.head.subarray(lineEnd + 1, lineEnd + 1 + NONCE);
    this.key = payloadKey(fileKey, Buffer.from(nonce));
    const rest = this.head.subarray(lineEnd + 1 + NONCE);
    this.head = Buffer.alloc(0);
    if (rest.length) {
      this.pending.push(rest);
    }
    return true;
  }

  private drain(): void {
    while (this.pending.length > CHUNK + TAG) this.push(this.open(this.pending.take(CHUNK + TAG), false));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.key) {
      this.pending.push(chunk);
      try {
        this.drain();
        done();
      } catch (error) {
        done(error as Error);
      }
      return;
    }
    this.head = this.head.length ? Buffer.concat([this.head, chunk]) : chunk;
    this.readHeader().then(
      (ready) => {
        if (ready) this.drain();
        done();
      },
      (error: unknown) => done(error as Error),
    );
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.key) throw new AgeDecryptError("the encrypted file is truncated (it ends inside the age header)");
      const rest = this.pending.take(this.pending.length);
      if (this.counter > 0 && rest.length === TAG) throw new AgeDecryptError("the encrypted file is truncated or corrupted (empty final chunk)");
      this.push(this.open(rest, true));
      this.key.fill(0);
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/** Plaintext size of an age payload of `ciphertextPayloadBytes` (after header and nonce). */
export function agePlaintextSize(ciphertextPayloadBytes: number): number {
  const full = Math.floor(ciphertextPayloadBytes / (CHUNK + TAG));
  const last = ciphertextPayloadBytes % (CHUNK + TAG);
  return ciphertextPayloadBytes - full * TAG - (last > 0 ? TAG : 0);
}
