"use client";

/**
 * "Live · updated 3 s ago", or — when the last poll failed — a visible "Connection lost" banner
 * saying how old the data on screen is. Never hides a dead connection behind old numbers.
 */
import Link from "next/link";
import { formatAgo, formatClock } from "@/lib/format/units";
import { RefreshIcon } from "./icons";
import { LiveError, useNow } from "./live";

export function LiveIndicator({ updatedAt, error, fetching, everyMs }: { updatedAt: number; error: unknown; fetching: boolean; everyMs: number }) {
  const now = useNow();
  const lost = Boolean(error);
  return (
    <p className="inline-flex items-center gap-2 text-sm text-slate-600" aria-live="polite" data-testid="live-indicator" data-state={lost ? "lost" : "live"}>
      <span aria-hidden className={`size-2 rounded-full ${lost ? "bg-red-500" : "animate-pulse bg-emerald-500"}`} />
      <span className="font-medium text-slate-900">{lost ? "Connection lost" : "Live"}</span>
      <span className="tabular-nums">
        · updated {updatedAt ? <time dateTime={new Date(updatedAt).toISOString()}>{formatAgo(updatedAt, now)}</time> : "never"}
      </span>
      <RefreshIcon className={`size-3.5 ${fetching ? "animate-spin text-sky-600" : "text-slate-400"}`} />
      <span className="sr-only">Refreshes every {Math.round(everyMs / 1000)} seconds</span>
    </p>
  );
}

export function ConnectionLostBanner({ error, updatedAt, everyMs, onRetry }: { error: unknown; updatedAt: number; everyMs: number; onRetry: () => void }) {
  const now = useNow();
  if (!error) return null;
  const kind = error instanceof LiveError ? error.kind : "offline";
  if (kind === "signed-out") {
    return (
      <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
        <p className="font-semibold">Your session has ended.</p>
        <p className="mt-0.5">
          The figures below stopped updating.{" "}
          <Link href="/sign-in?next=%2Fdashboard" className="font-medium underline">
            Sign in again
          </Link>{" "}
          to see live data.
        </p>
      </div>
    );
  }
  return (
    <div role="alert" className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-950" data-testid="connection-lost">
      <div>
        <p className="font-semibold">Connection lost — these figures are not live.</p>
        <p className="mt-0.5 text-red-900">
          {error instanceof Error ? error.message : String(error)}.{" "}
          {updatedAt ? (
            <>
              Last update at <span className="tabular-nums">{formatClock(updatedAt)}</span> ({formatAgo(updatedAt, now)}).{" "}
            </>
          ) : null}
          Retrying every {Math.round(everyMs / 1000)} s.
        </p>
      </div>
      <button
        type="button"
        onClick={onRetry}
        className="inline-flex items-center gap-1.5 rounded-md bg-white px-3 py-1.5 text-sm font-medium text-red-900 ring-1 ring-red-300 ring-inset hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
      >
        <RefreshIcon className="size-4" />
        Retry now
      </button>
    </div>
  );
}
