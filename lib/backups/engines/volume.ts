/**
 * Volume (e.g. PostHog uploads): a tar stream of a path in a container, read through the Engine API's
 * archive endpoint (what `docker cp` uses), so the container needs no tar binary and may be stopped.
 * Tar is not compressed, so the stream is compressed here. Restore puts the archive back with the
 * same endpoint (files in the archive are overwritten; others are left as they are).
 */
import path from "node:path";
import type { Readable } from "node:stream";
import type { BackupEngine, BackupTarget, DumpPlan, EngineDescription, RestoreInput } from "./types";

function volumePath(t: BackupTarget): string {
  const p = t.path;
  if (!p || !path.posix.isAbsolute(p) || p.includes("\0") || p.split("/").includes("..")) throw new Error("a volume backup needs an absolute path in the container");
  return path.posix.normalize(p);
}

export const volumeEngine: BackupEngine = {
  kind: "volume",

  async describe(t): Promise<EngineDescription> {
    const p = volumePath(t);
    const info = await t.docker.getContainer(t.containerId).inspect();
    const mount = (info.Mounts ?? []).find((m) => p === m.Destination || p.startsWith(`${m.Destination}/`));
    return {
      serverVersion: null,
      databases: [],
      details: { path: p, mount: mount ? { type: mount.Type, name: mount.Name ?? null, destination: mount.Destination } : null },
      estimatedBytes: null,
    };
  },

  plan(t): DumpPlan {
    const p = volumePath(t);
    return {
      discovery: [],
      prepare: [],
      files: [{ file: "volume.tar", format: "tar", compress: true, command: { kind: "archive", path: p, note: "GET /containers/{id}/archive (as docker cp)" }, what: `tar of ${p}`, estimatedBytes: null }],
    };
  },

  async restore(t, input: RestoreInput) {
    if (input.format !== "tar") throw new Error(`the volume engine cannot restore a ${input.format} file`);
    const p = volumePath(t);
    // The archive's top entry is the path's last segment: extract it into the parent.
    await t.docker.getContainer(t.containerId).putArchive(input.stream as Readable as unknown as NodeJS.ReadableStream, { path: path.posix.dirname(p) });
    return { detail: `extracted into ${path.posix.dirname(p)}` };
  },
};
