"use client";

/**
 * The live part of the Backups page: polls GET /api/v1/backups (react-query) every 1.5 s while a
 * backup is queued or running (the progress bar moves without a reload), every 15 s otherwise,
 * starting from the history the server rendered. One card per back-up-able service.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, useSyncExternalStore } from "react";
import { ConnectionLostBanner, LiveIndicator } from "@/components/live-status";
import { fetchLiveJson, retryLive, useNow } from "@/components/live";
import { StatusBadge } from "@/components/status-badge";
import type { BackupHistoryRow } from "@/lib/backups/backup-history";
import type { BackupScheduleView, BackupServiceSummary, BackupsHistoryPayload, RetentionPreviewView } from "@/lib/backups/backups-page-data";
import { formatAgo, formatBytes } from "@/lib/format/units";
import { BackupTrends } from "./backup-chart";
import { ACTIVE } from "./format";
import { ActiveBadge, HistoryList } from "./history";
import { RetentionPreview } from "./retention-panel";
import { RunControls } from "./run-controls";
import { SchedulesPanel } from "./schedules-panel";

export const ACTIVE_POLL_MS = 1_500;
const IDLE_POLL_MS = 15_000;
const QUERY_KEY = ["v1", "backups"] as const;

type Permissions = { run: boolean; manage: boolean };

const noopSubscribe = () => () => undefined;

export function BackupsLive({
  services,
  initialHistory,
  schedules,
  retention,
  permissions,
}: {
  services: BackupServiceSummary[];
  initialHistory: BackupsHistoryPayload;
  schedules: BackupScheduleView[];
  retention: Record<string, RetentionPreviewView | { error: string }>;
  permissions: Permissions;
}) {
  const queryClient = useQueryClient();
  // False in the server HTML and while hydrating, true once the controls answer (tests wait for it).
  const hydrated = useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
  const history = useQuery({
    queryKey: QUERY_KEY,
    queryFn: ({ signal }) => fetchLiveJson<BackupsHistoryPayload>("/api/v1/backups", signal),
    initialData: initialHistory,
    initialDataUpdatedAt: Date.parse(initialHistory.generatedAt),
    refetchInterval: (query) => (Object.values(query.state.data?.runs ?? {}).some((rows) => rows.some((r) => ACTIVE.has(r.status))) ? ACTIVE_POLL_MS : IDLE_POLL_MS),
    refetchIntervalInBackground: false,
    retry: retryLive,
    retryDelay: 1_000,
  });
  const runs = history.data.runs;
  const anyActive = Object.values(runs).some((rows) => rows.some((r) => ACTIVE.has(r.status)));
  const lost = history.isError ? history.error : null;
  const everyMs = anyActive ? ACTIVE_POLL_MS : IDLE_POLL_MS;

  return (
    <div className="space-y-6" data-testid="backups-live" data-hydrated={hydrated}>
      <div className="flex flex-col gap-3">
        <LiveIndicator updatedAt={history.dataUpdatedAt} error={lost} fetching={history.isFetching} everyMs={everyMs} />
        <ConnectionLostBanner error={lost} updatedAt={history.dataUpdatedAt} everyMs={everyMs} onRetry={() => void history.refetch()} />
      </div>
      {services.map((s) => (
        <ServicePanel
          key={s.key}
          service={s}
          rows={runs[s.key] ?? []}
          schedules={schedules.filter((x) => x.service === s.key)}
          retention={retention[s.key]}
          permissions={permissions}
          stale={Boolean(lost)}
          onStarted={() => void queryClient.invalidateQueries({ queryKey: QUERY_KEY })}
        />
      ))}
    </div>
  );
}

function Summary({ rows }: { rows: BackupHistoryRow[] }) {
  const now = useNow(10_000);
  const active = rows.find((r) => ACTIVE.has(r.status));
  const lastGood = rows.find((r) => r.status === "succeeded" && !r.deleted);
  const last = rows.find((r) => !ACTIVE.has(r.status));
  if (active) return <ActiveBadge label={active.status === "queued" ? "Backup queued" : "Backup running"} size="md" />;
  if (!last) return <StatusBadge status="unknown" label="Never backed up" size="md" />;
  if (last.status !== "succeeded") return <StatusBadge status="critical" label={`Last backup ${last.status}`} size="md" />;
  return <StatusBadge status="ok" label={`Last good ${lastGood ? formatAgo(lastGood.createdAt, now) : "—"}`} size="md" />;
}

function ServicePanel({
  service,
  rows,
  schedules,
  retention,
  permissions,
  stale,
  onStarted,
}: {
  service: BackupServiceSummary;
  rows: BackupHistoryRow[];
  schedules: BackupScheduleView[];
  retention: RetentionPreviewView | { error: string } | undefined;
  permissions: Permissions;
  stale: boolean;
  onStarted: () => void;
}) {
  const [showAll, setShowAll] = useState(false);
  const headingId = useId();
  const busy = rows.some((r) => ACTIVE.has(r.status));
  const lastGood = rows.find((r) => r.status === "succeeded" && !r.deleted);
  const shown = showAll ? rows : rows.slice(0, 8);
  return (
    <section
      aria-labelledby={headingId}
      data-testid={`backup-service-${service.key}`}
      className={`rounded-xl border border-slate-200 bg-white shadow-xs ${stale ? "opacity-70" : ""}`}
    >
      <div className="flex flex-col gap-2 px-5 pt-4 sm:flex-row sm:items-start sm:justify-between sm:gap-3">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {service.key}
          </h2>
          <p className="mt-0.5 text-sm break-words text-slate-600">
            <span className="font-medium text-slate-700">{service.kind}</span>
            {service.stack ? <> · project {service.stack}</> : null}
            {lastGood ? <> · last good {formatBytes(lastGood.totalBytes)}</> : null}
          </p>
        </div>
        <div className="shrink-0">
          <Summary rows={rows} />
        </div>
      </div>
      <div className="px-5 py-4">
        <div className="grid gap-6 lg:grid-cols-5">
          <div className="min-w-0 space-y-4 lg:col-span-3">
            {permissions.run ? <RunControls service={service.key} busy={busy} onStarted={onStarted} /> : null}
            <div>
              <h3 className="mb-2 text-sm font-semibold text-slate-900">History</h3>
              <HistoryList rows={shown} manage={permissions.manage} />
              {rows.length > shown.length ? (
                <button type="button" onClick={() => setShowAll(true)} className="mt-2 text-sm font-medium text-sky-700 underline underline-offset-2">
                  Show all {rows.length} recent runs
                </button>
              ) : null}
            </div>
          </div>
          <div className="min-w-0 space-y-6 lg:col-span-2">
            <section aria-label={`${service.key} size and duration over time`}>
              <h3 className="mb-2 text-sm font-semibold text-slate-900">Size and duration</h3>
              <BackupTrends runs={rows} />
            </section>
            <section aria-label={`${service.key} schedules`}>
              <h3 className="mb-2 text-sm font-semibold text-slate-900">Schedules</h3>
              <SchedulesPanel service={service.key} stack={service.stack} schedules={schedules} manage={permissions.manage} />
            </section>
            {permissions.manage ? (
              <section aria-label={`${service.key} retention preview`}>
                <h3 className="mb-2 text-sm font-semibold text-slate-900">Retention preview</h3>
                <RetentionPreview preview={retention} />
              </section>
            ) : null}
          </div>
        </div>
      </div>
    </section>
  );
}
