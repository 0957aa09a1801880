/**
 * A remote store for backup copies. `upload` copies every file of a backup folder and then checks the
 * remote copy's sha256 of every file against the manifest (re-reading it from the store), writing the
 * manifest last so a remote folder with a manifest is a complete one. `remove` deletes a copy
 * (retention, manual delete). `describe` names the place without credentials.
 */
import type { Manifest } from "../manifest";

export type UploadResult = { bytes: number; files: number; verified: true };

export interface RemoteStore {
  readonly kind: "local" | "s3" | "rsync";
  describe(): string;
  upload(backupId: string, dir: string, manifest: Manifest): Promise<UploadResult>;
  remove(backupId: string): Promise<void>;
  /** Backup ids present in the store (complete copies only). */
  list(): Promise<string[]>;
}

export class RemoteVerifyError extends Error {
  constructor(readonly file: string, expected: string, actual: string) {
    super(`the remote copy of ${file} has sha256 ${actual.slice(0, 16)}…, not ${expected.slice(0, 16)}… as the manifest says`);
    this.name = "RemoteVerifyError";
  }
}
