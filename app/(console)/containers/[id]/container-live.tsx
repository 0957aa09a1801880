"use client";

/**
 * The container page's live part: state, health, restarts, uptime, CPU and memory with their
 * 15-minute lines, polled from GET /api/v1/containers/:id (every 3 s; every second while a restart
 * is being followed), and the Restart / Start / Stop controls for roles that may use them.
 */
import { useQuery } from "@tanstack/react-query";
import { Fragment, useState, type ReactNode } from "react";
import { HealthDetails } from "@/components/container-status";
import { fetchLiveJson, retryLive } from "@/components/live";
import { ConnectionLostBanner, LiveIndicator } from "@/components/live-status";
import { Sparkline } from "@/components/sparkline";
import { StatusBadge } from "@/components/status-badge";
import type { ContainerPayload } from "@/lib/dashboard/payloads";
import type { Level, Thresholds } from "@/lib/docker/thresholds";
import { formatBytes, formatDuration, formatPercent } from "@/lib/format/units";
import { ContainerControls } from "./container-controls";

const POLL_MS = 3_000;
const FOLLOW_MS = 1_000;

export function useContainerLive(id: string, initial: ContainerPayload | null, following: boolean) {
  return useQuery({
    queryKey: ["v1", "container", id],
    queryFn: ({ signal }) => fetchLiveJson<ContainerPayload>(`/api/v1/containers/${id}`, signal),
    initialData: initial ?? undefined,
    initialDataUpdatedAt: initial ? Date.parse(initial.generatedAt) : undefined,
    refetchInterval: following ? FOLLOW_MS : POLL_MS,
    retry: retryLive,
    retryDelay: 1_000,
  });
}

const LEVEL_TEXT: Record<Level, string> = { ok: "text-slate-900", warn: "text-amber-800", critical: "text-red-700" };

function Metric({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 ${className ?? ""}`}>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export type ControlsConfig = {
  canControl: boolean;
  stateful: boolean;
  confirmWord: string;
  healthBudgetMs: number;
  serviceLabel: string;
  /** The compose service, for "Restart service" (null: a standalone container). */
  service: { engineId: string; project: string; service: string; containers: number } | null;
};

export function ContainerLive({ id, initial, thresholds, controls }: { id: string; initial: ContainerPayload | null; thresholds: Thresholds; controls: ControlsConfig }) {
  const [following, setFollowing] = useState(false);
  const query = useContainerLive(id, initial, following);
  const data = query.data;
  const c = data?.container;
  const lost = query.isError ? query.error : null;

  return (
    <section aria-labelledby="live-heading" className="rounded-xl border border-slate-200 bg-white shadow-xs">
      <div className="flex flex-col gap-3 border-b border-slate-100 px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex flex-col gap-1">
          <h2 id="live-heading" className="text-sm font-semibold text-slate-900">
            Now
          </h2>
          <LiveIndicator updatedAt={query.dataUpdatedAt} error={lost} fetching={query.isFetching} everyMs={following ? FOLLOW_MS : POLL_MS} />
        </div>
        {controls.canControl ? <ContainerControls id={id} live={c ?? null} config={controls} onFollowingChange={setFollowing} /> : null}
      </div>
      <div className="px-5 py-4">
        {lost ? (
          <div className="mb-4">
            <ConnectionLostBanner error={lost} updatedAt={query.dataUpdatedAt} everyMs={POLL_MS} onRetry={() => void query.refetch()} />
          </div>
        ) : null}
        {!c ? (
          <p className="text-sm text-slate-600">The monitor has not listed this container yet; it will appear within a few seconds.</p>
        ) : (
          <dl className={`grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3 lg:grid-cols-6 ${lost ? "opacity-70" : ""}`} data-testid="container-live" data-state={c.state} data-health={c.health}>
            <Metric label="Status">
              <div className="flex flex-wrap items-center gap-1">
                <HealthDetails container={c} />
                {c.crashLoop ? <StatusBadge status="critical" label="Crash loop" /> : null}
              </div>
              <p className="mt-1 text-xs text-slate-600">{c.status}</p>
            </Metric>
            <Metric label="Restarts">
              <span className={`tabular-nums ${c.restartsLastHour > 0 ? "font-semibold text-amber-800" : ""}`}>{c.restartsLastHour} in the last hour</span>
              <p className="mt-1 text-xs text-slate-600 tabular-nums">
                {c.restartPolicy === "no" || !c.restartPolicy ? "No restart policy" : `${c.restartCount} by the restart policy (${c.restartPolicy})`}
              </p>
            </Metric>
            <Metric label="Uptime">
              <span className="tabular-nums">{c.state === "running" ? formatDuration(c.uptimeSeconds) : "not running"}</span>
            </Metric>
            <Metric label="Image">
              <span className="block font-mono text-xs break-words">
                {/* Break after "/" and ":" (a registry path, then the tag), not mid-word. */}
                {c.image.split(/(?<=[/:@])/).map((part, i) => (
                  <Fragment key={i}>
                    {i > 0 ? <wbr /> : null}
                    {part}
                  </Fragment>
                ))}
              </span>
            </Metric>
            <Metric label="CPU (15 min)">
              <span className={`tabular-nums ${LEVEL_TEXT[c.levels.cpu]} ${c.levels.cpu !== "ok" ? "font-semibold" : ""}`}>{c.stats ? formatPercent(c.stats.cpuPercent) : "—"}</span>
              {c.spark ? <Sparkline values={c.spark.cpu} minMax={5} tone={c.levels.cpu} label="CPU over the last 15 minutes" width={120} height={28} className="mt-1 block" /> : null}
              <p className="text-[11px] text-slate-500">
                warn above {thresholds.cpuPercent.warn} %, critical above {thresholds.cpuPercent.critical} %
              </p>
            </Metric>
            <Metric label="Memory (15 min)">
              <span className={`whitespace-nowrap tabular-nums ${LEVEL_TEXT[c.levels.memory]} ${c.levels.memory !== "ok" ? "font-semibold" : ""}`}>{c.stats ? formatPercent(c.stats.memPercent) : "—"}</span>
              {c.stats ? (
                <span className="block text-xs whitespace-nowrap text-slate-600 tabular-nums">
                  {formatBytes(c.stats.memUsedBytes)} / {formatBytes(c.stats.memLimitBytes)}
                </span>
              ) : null}
              {c.spark ? <Sparkline values={c.spark.mem} minMax={16 * 1024 * 1024} tone={c.levels.memory} label="Memory used over the last 15 minutes" unit="bytes" width={120} height={28} className="mt-1 block" /> : null}
            </Metric>
          </dl>
        )}
      </div>
    </section>
  );
}
