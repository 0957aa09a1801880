"use client";

/**
 * A service's backup history, newest first: status, when, size, duration, checksum, remote copies,
 * who or what started it; a running backup's live progress bar; a failure's error and stderr tail;
 * the stored verification. Admins also get Verify, Download (audited) and Delete.
 */
import { useState } from "react";
import { StatusBadge, type Status } from "@/components/status-badge";
import { buttonStyles } from "@/components/form-styles";
import { RefreshIcon } from "@/components/icons";
import { useNow } from "@/components/live";
import type { BackupHistoryRow } from "@/lib/backups/backup-history";
import { formatAgo, formatBytes } from "@/lib/format/units";
import { deleteBackup, verifyBackup } from "./actions";
import { formatMs, formatRate, formatUtc, shortSha } from "./format";

const STATUS: Record<BackupHistoryRow["status"], { status: Status; label: string }> = {
  queued: { status: "unknown", label: "Queued" },
  running: { status: "warn", label: "Running" },
  succeeded: { status: "ok", label: "Succeeded" },
  failed: { status: "critical", label: "Failed" },
  interrupted: { status: "critical", label: "Interrupted" },
};

/** In progress is not a problem: a sky-blue pill with a turning icon, not the warning style. */
export function ActiveBadge({ label, size = "sm" }: { label: string; size?: "sm" | "md" }) {
  return (
    <span className={`inline-flex items-center rounded-full bg-sky-50 font-medium whitespace-nowrap text-sky-900 ring-1 ring-sky-600/25 ring-inset ${size === "md" ? "gap-1.5 px-2.5 py-1 text-sm" : "gap-1 px-2 py-0.5 text-xs"}`} data-status="active">
      <RefreshIcon className={`${size === "md" ? "size-4" : "size-3.5"} animate-spin`} />
      {label}
    </span>
  );
}

export function RunStatusBadge({ row }: { row: Pick<BackupHistoryRow, "status" | "deleted"> }) {
  if (row.status === "running" || row.status === "queued") return <ActiveBadge label={STATUS[row.status].label} />;
  if (row.deleted && row.status === "succeeded") return <StatusBadge status="unknown" label="Deleted" />;
  const s = STATUS[row.status];
  return <StatusBadge status={s.status} label={s.label} />;
}

export function ProgressBar({ row }: { row: BackupHistoryRow }) {
  const now = useNow(1000);
  const started = row.startedAt ? Date.parse(row.startedAt) : null;
  const elapsedMs = started ? now - started : null;
  const percent = row.percent !== null ? Math.max(0, Math.min(100, row.percent)) : null;
  return (
    <div data-testid="backup-progress" data-bytes={row.bytesDone} className="space-y-1.5">
      <div
        role="progressbar"
        aria-label={`Backup of ${row.service}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={`${formatBytes(row.bytesDone)} written${percent !== null ? `, ${Math.round(percent)} %` : ""}`}
        className="relative h-2.5 overflow-hidden rounded-full bg-slate-200"
      >
        {percent !== null ? (
          <div className="h-full rounded-full bg-sky-600 transition-[width] duration-700" style={{ width: `${Math.max(2, percent)}%` }} />
        ) : (
          // Size not known yet: a pulsing full bar (no made-up fraction).
          <div className="h-full w-full animate-pulse rounded-full bg-sky-500/50" />
        )}
      </div>
      <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-sm text-slate-700 tabular-nums">
        <span className="font-medium text-slate-900">{row.status === "queued" ? "Waiting for a worker…" : (row.step ?? "Starting…")}</span>
        <span>{formatBytes(row.bytesDone)} written</span>
        {percent !== null ? <span>{Math.round(percent)} %</span> : null}
        <span>{formatRate(row.rate)}</span>
        {elapsedMs !== null ? <span>{formatMs(elapsedMs)} elapsed</span> : null}
      </p>
    </div>
  );
}

function Copies({ copies }: { copies: BackupHistoryRow["copies"] }) {
  if (copies.length === 0) return <span className="text-slate-500">local only</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {copies.map((c) => (
        <StatusBadge
          key={`${c.store}-${c.target}`}
          status={c.status === "succeeded" ? (c.verified ? "ok" : "warn") : c.status === "failed" ? "critical" : "unknown"}
          label={`${c.store}: ${c.status === "succeeded" ? (c.verified ? "copied, sha256 checked" : "copied") : c.status}`}
        />
      ))}
    </span>
  );
}

function largest(files: BackupHistoryRow["files"]) {
  return files.reduce<BackupHistoryRow["files"][number] | null>((best, f) => (!best || f.bytes > best.bytes ? f : best), null);
}

export function HistoryList({ rows, manage }: { rows: BackupHistoryRow[]; manage: boolean }) {
  const now = useNow(10_000);
  if (rows.length === 0) {
    return <p className="rounded-md border border-dashed border-slate-200 px-3 py-4 text-center text-sm text-slate-600">No backups of this service yet. {manage ? "Run one now or add a schedule." : "An operator or admin can run one."}</p>;
  }
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="backup-history">
      {rows.map((row) => (
        <HistoryRow key={row.runId} row={row} manage={manage} now={now} />
      ))}
    </ul>
  );
}

function HistoryRow({ row, manage, now }: { row: BackupHistoryRow; manage: boolean; now: number }) {
  const main = largest(row.files);
  const active = row.status === "running" || row.status === "queued";
  return (
    <li className="space-y-2 px-3 py-3 sm:px-4" data-testid="backup-run" data-status={row.status} data-backup-id={row.backupId}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <RunStatusBadge row={row} />
        <span className="text-sm font-medium text-slate-900 tabular-nums">
          <time dateTime={row.createdAt} title={formatUtc(row.createdAt)} suppressHydrationWarning>
            {formatAgo(row.createdAt, now)}
          </time>
        </span>
        {row.name ? <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{row.name}</span> : null}
        <span className="text-sm text-slate-600">
          by <span className="text-slate-800">{row.requestedBy}</span>
        </span>
        {row.encrypted ? <span className="text-xs text-slate-600">encrypted</span> : null}
      </div>
      {active ? <ProgressBar row={row} /> : null}
      {!active && row.status !== "succeeded" ? (
        <p className="text-sm text-slate-600 tabular-nums">
          Stopped after {formatMs(row.durationMs)}
          {row.bytesDone > 0 ? `, ${formatBytes(row.bytesDone)} written (discarded)` : ""}. Nothing of it was kept.
        </p>
      ) : null}
      {row.status === "succeeded" ? (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-[repeat(4,max-content)] sm:gap-x-8">
          <div>
            <dt className="text-xs text-slate-500">Size</dt>
            <dd className="text-slate-900 tabular-nums">{formatBytes(row.totalBytes ?? (row.status === "succeeded" ? row.bytesDone : null))}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Duration</dt>
            <dd className="text-slate-900 tabular-nums">{formatMs(row.durationMs)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Checksum (sha256)</dt>
            <dd className="font-mono text-xs text-slate-900" title={main ? `${main.path}: ${main.sha256}` : undefined}>
              {main ? shortSha(main.sha256) : "—"}
              {row.files.length > 1 ? <span className="font-sans text-slate-500"> +{row.files.length - 1} files</span> : null}
            </dd>
          </div>
          <div className="col-span-2 sm:col-span-1">
            <dt className="text-xs text-slate-500">Copies</dt>
            <dd className="text-sm">
              <Copies copies={row.copies} />
            </dd>
          </div>
        </dl>
      ) : null}
      {row.status === "failed" || row.status === "interrupted" ? (
        <div className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-950 ring-1 ring-red-200 ring-inset" data-testid="backup-error">
          <p className="font-medium">{row.error ?? "The backup did not finish."}</p>
          {row.stderrTail ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-red-900">Command output (stderr, last lines)</summary>
              <pre className="mt-1 max-h-48 overflow-auto rounded bg-white/70 p-2 font-mono text-xs whitespace-pre-wrap text-red-950">{row.stderrTail}</pre>
            </details>
          ) : null}
        </div>
      ) : null}
      {row.verification ? (
        <p className={`text-sm ${row.verification.ok ? "text-emerald-800" : "text-red-800"}`} data-testid="backup-verification">
          <span className="font-medium">{row.verification.ok ? "Verified" : "Verification failed"}</span> {formatUtc(row.verification.at)}: {row.verification.summary}
        </p>
      ) : null}
      {row.deleted ? <p className="text-sm text-slate-600">Deleted {formatUtc(row.deleted.at)}{row.deleted.reason ? ` (${row.deleted.reason})` : ""}.</p> : null}
      {row.status === "succeeded" && !row.deleted ? <Details row={row} manage={manage} /> : null}
    </li>
  );
}

function downloadHref(backupId: string, file: string): string {
  return `/api/v1/backups/download?${new URLSearchParams({ id: backupId, file }).toString()}`;
}

function Details({ row, manage }: { row: BackupHistoryRow; manage: boolean }) {
  const [pending, setPending] = useState<"verify" | "delete" | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function verify() {
    setPending("verify");
    setMessage(null);
    try {
      const result = await verifyBackup({ backupId: row.backupId });
      setMessage(result.ok ? { ok: true, text: `Verified: ${result.data.summary}` } : { ok: false, text: result.error.message });
    } catch {
      setMessage({ ok: false, text: "The console did not answer the verification." });
    } finally {
      setPending(null);
    }
  }

  async function remove() {
    setPending("delete");
    setMessage(null);
    try {
      const result = await deleteBackup({ backupId: row.backupId });
      setMessage(result.ok ? { ok: true, text: "Deleted." } : { ok: false, text: result.error.message });
    } catch {
      setMessage({ ok: false, text: "The console did not answer." });
    } finally {
      setPending(null);
      setConfirmDelete(false);
    }
  }

  return (
    <div className="flex flex-col gap-2">
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-700">
          Files and checksums <span className="font-mono text-xs text-slate-500">{row.backupId}</span>
        </summary>
        <ul className="mt-2 space-y-1">
          {row.files.map((f) => (
            <li key={f.path} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
              {manage ? (
                <a href={downloadHref(row.backupId, f.path)} className={`${buttonStyles.link} font-mono text-xs break-all`} download>
                  {f.path}
                </a>
              ) : (
                <span className="font-mono text-xs break-all text-slate-900">{f.path}</span>
              )}
              <span className="text-xs text-slate-600 tabular-nums">{formatBytes(f.bytes)}</span>
              <span className="font-mono text-[11px] break-all text-slate-500">sha256 {f.sha256}</span>
            </li>
          ))}
          {manage ? (
            <li>
              <a href={downloadHref(row.backupId, "manifest.json")} className={`${buttonStyles.link} font-mono text-xs`} download>
                manifest.json
              </a>
            </li>
          ) : null}
        </ul>
        {manage ? <p className="mt-2 text-xs text-slate-600">Downloads are written to the audit log. Encrypted files stay encrypted: decrypt with <code className="font-mono">age -d -i key.txt</code>.</p> : null}
      </details>
      {manage ? (
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className={buttonStyles.secondary} disabled={pending !== null} onClick={() => void verify()}>
            {pending === "verify" ? "Verifying…" : "Verify"}
          </button>
          {confirmDelete ? (
            <>
              <button type="button" className={buttonStyles.danger} disabled={pending !== null} onClick={() => void remove()}>
                {pending === "delete" ? "Deleting…" : "Delete this backup"}
              </button>
              <button type="button" className={buttonStyles.secondary} onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" className={buttonStyles.secondary} disabled={pending !== null} onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )}
        </div>
      ) : null}
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={`rounded-md px-3 py-2 text-sm ring-1 ring-inset ${message.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
