/**
 * Disk use as the dashboard's "host and volumes" card shows it: `docker system df` figures
 * (images, containers' writable layers, build cache, each named volume's size and users) and,
 * for an engine on this machine, how full the filesystem of its data root is (warn > 80 %,
 * critical > 90 % by default). `docker system df` walks every volume: run it in the background
 * (every few minutes), never per page request.
 */
import type Docker from "dockerode";
import { diskUsage, type DiskUsage } from "../probes/disk";
import { DEFAULT_THRESHOLDS, type UpperLimits } from "./thresholds";
import { PROJECT_LABEL } from "./list-containers";

export type VolumeUsage = { name: string; project: string | null; sizeBytes: number | null; containers: number | null };

export type DockerDiskUsage = {
  engineId: string;
  measuredAt: string;
  dataRoot: string | null;
  /** statfs of the data root; null when the engine is remote (not this machine's filesystem). */
  dataRootFs: DiskUsage | null;
  imagesBytes: number;
  containersBytes: number;
  buildCacheBytes: number;
  volumes: VolumeUsage[];
};

type DfResult = {
  LayersSize?: number;
  Images?: Array<{ Size?: number; SharedSize?: number }>;
  Containers?: Array<{ SizeRw?: number }>;
  Volumes?: Array<{ Name: string; Labels?: Record<string, string> | null; UsageData?: { Size?: number; RefCount?: number } | null }>;
  BuildCache?: Array<{ Size?: number; Shared?: boolean }>;
};

export async function dockerDiskUsage(
  docker: Docker,
  engineId: string,
  options: { local: boolean; limits?: UpperLimits } = { local: true },
): Promise<DockerDiskUsage> {
  const [df, info] = await Promise.all([docker.df() as Promise<DfResult>, docker.info() as Promise<{ DockerRootDir?: string }>]);
  const dataRoot = info.DockerRootDir ?? null;
  const dataRootFs =
    options.local && dataRoot ? await diskUsage(dataRoot, options.limits ?? DEFAULT_THRESHOLDS.diskPercent).catch(() => null) : null;
  const sizeOf = (n: number | undefined) => (typeof n === "number" && n >= 0 ? n : 0);
  return {
    engineId,
    measuredAt: new Date().toISOString(),
    dataRoot,
    dataRootFs,
    imagesBytes: df.LayersSize ?? (df.Images ?? []).reduce((sum, i) => sum + sizeOf(i.Size) - sizeOf(i.SharedSize), 0),
    containersBytes: (df.Containers ?? []).reduce((sum, c) => sum + sizeOf(c.SizeRw), 0),
    buildCacheBytes: (df.BuildCache ?? []).filter((b) => !b.Shared).reduce((sum, b) => sum + sizeOf(b.Size), 0),
    volumes: (df.Volumes ?? [])
      .map((v) => ({
        name: v.Name,
        project: v.Labels?.[PROJECT_LABEL] ?? null,
        // -1 means "not computed" in Docker's API.
        sizeBytes: v.UsageData && typeof v.UsageData.Size === "number" && v.UsageData.Size >= 0 ? v.UsageData.Size : null,
        containers: v.UsageData && typeof v.UsageData.RefCount === "number" && v.UsageData.RefCount >= 0 ? v.UsageData.RefCount : null,
      }))
      .sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0) || a.name.localeCompare(b.name)),
  };
}
