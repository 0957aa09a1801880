"use client";

/**
 * The live dashboard: polls GET /api/v1/containers every 3 s and GET /api/v1/health every 10 s
 * (react-query), starting from the data the server rendered. A failed poll keeps the last figures
 * on screen, dimmed, under a "Connection lost" banner that says how old they are.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, type ReactNode } from "react";
import { ConnectionLostBanner, LiveIndicator } from "@/components/live-status";
import { fetchLiveJson, retryLive } from "@/components/live";
import type { ContainersPayload, HealthPayload } from "@/lib/dashboard/payloads";
import { ContainersPanel } from "./containers-panel";
import { AttentionList, DiskPanel, EnginesPanel, ProbesPanel, SummaryTiles } from "./health-panels";

export const CONTAINERS_POLL_MS = 3_000;
const HEALTH_POLL_MS = 10_000;

export function DashboardLive({ initialContainers, initialHealth, consoleHealth }: { initialContainers: ContainersPayload; initialHealth: HealthPayload; consoleHealth: ReactNode }) {
  const containers = useQuery({
    queryKey: ["v1", "containers"],
    queryFn: ({ signal }) => fetchLiveJson<ContainersPayload>("/api/v1/containers", signal),
    initialData: initialContainers,
    initialDataUpdatedAt: Date.parse(initialContainers.generatedAt),
    refetchInterval: CONTAINERS_POLL_MS,
    refetchIntervalInBackground: false,
    retry: retryLive,
    retryDelay: 1_000,
  });
  const health = useQuery({
    queryKey: ["v1", "health"],
    queryFn: ({ signal }) => fetchLiveJson<HealthPayload>("/api/v1/health", signal),
    initialData: initialHealth,
    initialDataUpdatedAt: Date.parse(initialHealth.generatedAt),
    refetchInterval: HEALTH_POLL_MS,
    retry: retryLive,
    retryDelay: 1_000,
  });
  const data = containers.data;
  const lost = containers.isError ? containers.error : null;
  const engineNames = useMemo(() => new Map(data.engines.map((e) => [e.id, e.name])), [data.engines]);

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3">
        <LiveIndicator updatedAt={containers.dataUpdatedAt} error={lost} fetching={containers.isFetching} everyMs={CONTAINERS_POLL_MS} />
        <ConnectionLostBanner error={lost} updatedAt={containers.dataUpdatedAt} everyMs={CONTAINERS_POLL_MS} onRetry={() => void containers.refetch()} />
      </div>
      <div className={`space-y-6 ${lost ? "opacity-70" : ""}`}>
        <SummaryTiles containers={data} health={health.data} />
        <AttentionList health={health.data} />
      </div>
      <ContainersPanel data={data} stale={Boolean(lost)} />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ProbesPanel health={health.data} />
        <DiskPanel health={health.data} engineNames={engineNames} />
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <EnginesPanel containers={data} />
        {consoleHealth}
      </div>
    </div>
  );
}
