"use client";

/**
 * "Console health": Opsdeck's own database and migrations, polled from GET /api/health every 5 s.
 * /api/health answers 200 (ok) or 503 (degraded / down); both carry the same JSON body.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { z } from "zod";
import { Card } from "./card";
import { RefreshIcon } from "./icons";
import { StatusBadge, type Status } from "./status-badge";

const POLL_MS = 5_000;

const healthSchema = z.object({
  status: z.enum(["ok", "degraded", "down"]),
  version: z.string(),
  time: z.string(),
  database: z.object({
    ok: z.boolean(),
    latencyMs: z.number().nullable(),
    error: z.string().optional(),
  }),
  migrations: z.object({
    applied: z.number().nullable(),
    pending: z.number().nullable(),
    pendingNames: z.array(z.string()).optional(),
  }),
});

export type ConsoleHealth = z.infer<typeof healthSchema>;

/** Why a check failed: the console did not answer properly, or answered something we cannot read. */
class HealthCheckError extends Error {
  constructor(
    readonly kind: "unreachable" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

async function fetchHealth({ signal }: { signal: AbortSignal }): Promise<ConsoleHealth> {
  let response: Response;
  try {
    response = await fetch("/api/health", { cache: "no-store", signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new HealthCheckError("unreachable", "The console did not answer (network error)");
  }
  if (response.status !== 200 && response.status !== 503) {
    throw new HealthCheckError("unreachable", `/api/health answered HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new HealthCheckError("invalid", `/api/health answered HTTP ${response.status} without a JSON body`);
  }
  const parsed = healthSchema.safeParse(body);
  if (!parsed.success) throw new HealthCheckError("invalid", "/api/health answered in an unexpected format");
  return parsed.data;
}

const STATUS_BADGE: Record<ConsoleHealth["status"], { status: Status; label: string }> = {
  ok: { status: "ok", label: "Healthy" },
  degraded: { status: "warn", label: "Degraded" },
  down: { status: "critical", label: "Down" },
};

/** Current time, re-rendered every second (for "x s ago"). */
function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function formatAgo(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 2) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function Metric({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{term}</dt>
      <dd className="mt-1 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function Skeleton({ className }: { className: string }) {
  return <span aria-hidden className={`block animate-pulse rounded bg-slate-200 ${className}`} />;
}

export function ConsoleHealthCard({ className }: { className?: string }) {
  const query = useQuery({
    queryKey: ["console-health"],
    queryFn: fetchHealth,
    refetchInterval: POLL_MS,
    retry: 1,
    retryDelay: 1_000,
  });
  const now = useNow();
  const { data, error, isPending, isError, isFetching, dataUpdatedAt, errorUpdatedAt, refetch } = query;

  // A failed latest check means the data we hold (if any) is stale: say so rather than show it as current.
  const badge = isPending
    ? { status: "unknown" as const, label: "Checking" }
    : isError
      ? error instanceof HealthCheckError && error.kind === "invalid"
        ? { status: "unknown" as const, label: "Check failed" }
        : { status: "critical" as const, label: "Unreachable" }
      : STATUS_BADGE[data.status];

  const lastChecked = isError ? errorUpdatedAt : dataUpdatedAt;

  return (
    <Card
      title="Console health"
      description="Opsdeck's own database and schema migrations."
      className={className}
      actions={
        <div aria-live="polite" aria-atomic="true">
          <StatusBadge status={badge.status} label={badge.label} size="md" />
        </div>
      }
      footer={
        <div className="flex flex-wrap items-center justify-between gap-2">
          <span>
            {lastChecked ? (
              <>
                Last checked{" "}
                <time dateTime={new Date(lastChecked).toISOString()} className="font-medium text-slate-700 tabular-nums">
                  {formatClock(lastChecked)}
                </time>{" "}
                <span className="tabular-nums">({formatAgo(lastChecked, now)})</span>
              </>
            ) : (
              "Not checked yet"
            )}
          </span>
          <span className="inline-flex items-center gap-1.5">
            <RefreshIcon className={`size-3.5 ${isFetching ? "animate-spin text-sky-600" : "text-slate-400"}`} />
            Every {POLL_MS / 1000} s from <code className="font-mono text-[11px]">/api/health</code>
          </span>
        </div>
      }
    >
      {isError ? (
        <div role="alert" className="mb-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-900">
          <p className="font-medium">The latest health check failed.</p>
          <p className="mt-0.5 text-red-800">
            {errorMessage(error)}.{" "}
            {data ? `Showing the last good result, from ${formatClock(dataUpdatedAt)}. ` : ""}
            Retrying every {POLL_MS / 1000} s.
          </p>
          <button
            type="button"
            onClick={() => void refetch()}
            className="mt-2 inline-flex items-center gap-1.5 rounded-md bg-white px-2.5 py-1 text-xs font-medium text-red-900 ring-1 ring-red-300 ring-inset hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
          >
            <RefreshIcon className="size-3.5" />
            Check now
          </button>
        </div>
      ) : null}

      {data ? (
        <>
          <dl className={`grid grid-cols-2 gap-x-6 gap-y-4 ${isError ? "opacity-60" : ""}`}>
            <Metric term="Database">
              {data.database.ok ? (
                <span>
                  Reachable
                  {data.database.latencyMs !== null ? (
                    <span className="text-slate-600 tabular-nums"> · {data.database.latencyMs} ms</span>
                  ) : null}
                </span>
              ) : (
                <>
                  <span className="font-medium text-red-700">Unreachable</span>
                  {data.database.error && data.database.error.toLowerCase() !== "database unreachable" ? (
                    <span className="mt-0.5 block text-xs break-words text-red-800">{data.database.error}</span>
                  ) : null}
                </>
              )}
            </Metric>
            <Metric term="Migrations">
              {data.migrations.applied === null || data.migrations.pending === null ? (
                <span className="text-slate-600">Unknown while the database is unreachable</span>
              ) : (
                <span className="tabular-nums">
                  {data.migrations.applied} applied ·{" "}
                  <span className={data.migrations.pending > 0 ? "font-medium text-amber-800" : ""}>
                    {data.migrations.pending} pending
                  </span>
                </span>
              )}
            </Metric>
            <Metric term="Version">
              <span className="font-mono text-[13px]">v{data.version}</span>
            </Metric>
            <Metric term="Server time">
              <time dateTime={data.time} className="tabular-nums">
                {formatClock(Date.parse(data.time))}
              </time>
            </Metric>
          </dl>
          {data.migrations.pendingNames?.length && !isError ? (
            <div className="mt-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
              <p className="font-medium">Pending migrations</p>
              <ul className="mt-1 list-inside list-disc font-mono text-xs">
                {data.migrations.pendingNames.map((name) => (
                  <li key={name} className="break-all">
                    {name}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : isPending ? (
        <div aria-busy="true" className="grid grid-cols-2 gap-x-6 gap-y-4">
          <span className="sr-only">Loading console health…</span>
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="space-y-2">
              <Skeleton className="h-3 w-16" />
              <Skeleton className="h-4 w-24" />
            </div>
          ))}
        </div>
      ) : null}
    </Card>
  );
}
