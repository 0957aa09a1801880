"use client";

/**
 * One restore run, live: polls the run (server action, `restores.run` checked) every 1.5 s while it
 * runs, so the step list, bytes and percent move and survive a page reload (everything is read from
 * restore_runs). When it ends: the report (verification, duration, safety backup), the failed step,
 * the dependents left stopped and why, and the rollback from the safety backup (same guards: typed
 * service name, reason, MFA step-up by TOTP or at the user's IdP).
 */
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, useSyncExternalStore } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import { StatusBadge, type Status } from "@/components/status-badge";
import { formatBytes } from "@/lib/format/units";
import type { RestoreRunView } from "@/lib/restores/restore-page-data";
import { readRun, startRollback, stepUpMfa } from "./actions";
import { MfaStepUpForm } from "./mfa-step-up-form";
import { ChecksList, PlanSteps, RunningBadge } from "./plan-view";

const RUN_STATUS: Record<RestoreRunView["status"], Status> = { planned: "unknown", running: "warn", succeeded: "ok", failed: "critical", refused: "critical", interrupted: "critical" };
const STEP_STATUS: Record<RestoreRunView["steps"][number]["status"], { status: Status; label: string }> = {
  pending: { status: "unknown", label: "Pending" },
  running: { status: "warn", label: "Running" },
  succeeded: { status: "ok", label: "Done" },
  failed: { status: "critical", label: "Failed" },
  skipped: { status: "unknown", label: "Skipped" },
};

/** Tests wait for this: a click before hydration does nothing. */
const noSubscribe = () => () => undefined;

const RUN_LABEL: Record<RestoreRunView["status"], string> = { planned: "Planned (dry run)", running: "Running", succeeded: "Succeeded", failed: "Failed", refused: "Refused", interrupted: "Interrupted" };
const KIND_LABEL: Record<RestoreRunView["kind"], string> = { restore: "Restore", rollback: "Rollback", drill: "Restore drill", dry_run: "Dry run" };

export function RunLive({ initial }: { initial: RestoreRunView }) {
  const query = useQuery({
    queryKey: ["restore-run", initial.id],
    queryFn: async () => {
      const r = await readRun({ id: initial.id });
      if (!r.ok) throw new Error(r.error.message);
      return r.data;
    },
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1_500 : false),
  });
  const run = query.data;
  const hydrated = useSyncExternalStore(noSubscribe, () => true, () => false);
  const current = run.currentStep ? run.steps.find((s) => s.key === run.currentStep) : undefined;
  const percent = Math.round(run.percent ?? 0);
  const finished = run.status === "succeeded" || run.status === "failed" || run.status === "interrupted";
  const stepsView = (
    <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200" data-testid="restore-steps">
      {run.steps.map((s) => (
        <li key={s.key} className="flex flex-col items-start gap-1 px-3 py-2 sm:flex-row sm:gap-3" data-step={s.key} data-step-status={s.status}>
          {s.status === "running" ? <RunningBadge label="Running" /> : <StatusBadge status={STEP_STATUS[s.status].status} label={STEP_STATUS[s.status].label} className="shrink-0" />}
          <div className="min-w-0 flex-1 text-sm">
            <span className="font-medium text-slate-900">{s.title}</span>
            {s.detail ? <span className="block text-xs break-words text-slate-600">{s.detail}</span> : null}
            {s.error ? <span className="block text-xs font-medium break-words text-red-800">{s.error}</span> : null}
          </div>
          {s.finishedAt ? <span className="shrink-0 text-xs text-slate-600 tabular-nums sm:text-right">{stepTime(s)}</span> : null}
        </li>
      ))}
    </ol>
  );

  return (
    <div className="space-y-6" data-testid="restore-run" data-status={run.status} data-hydrated={hydrated}>
      <div className="flex flex-wrap items-center gap-3">
        {run.status === "running" ? <RunningBadge label="Running" size="md" /> : <StatusBadge status={RUN_STATUS[run.status]} label={RUN_LABEL[run.status]} size="md" />}
        <span className="min-w-0 text-sm break-words text-slate-700">
          {KIND_LABEL[run.kind]} of <span className="font-medium">{run.service}</span> from <span className="font-mono text-xs break-all">{run.backupId}</span>
          {run.requestedBy ? ` · by ${run.requestedBy}` : ""}
          {run.reason ? ` · “${run.reason}”` : ""}
        </span>
      </div>

      {run.status === "running" ? (
        <div className="space-y-1.5" data-testid="restore-progress">
          <p className="text-sm font-medium text-slate-900" aria-live="polite">
            Step {Math.max(1, run.steps.findIndex((s) => s.key === run.currentStep) + 1)} of {run.steps.length}: {current?.title ?? "starting…"}
          </p>
          <div role="progressbar" aria-label="Data restored" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200">
            <div className="h-full rounded-full bg-sky-600 transition-all" style={{ width: `${Math.max(2, percent)}%` }} />
          </div>
          <p className="text-xs text-slate-600">
            {formatBytes(run.bytesDone)} of {formatBytes(run.bytesTotal)} restored ({percent}%) · running for {formatDuration(run.durationMs)} · this page updates by itself
          </p>
        </div>
      ) : null}

      {run.kind === "dry_run" ? (
        <p className="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-950" data-testid="dry-run-note">
          A dry run: the preflight and the plan below were recorded, and nothing was changed — no container was stopped and no data was written.{" "}
          {run.status === "planned" ? "The restore would run these steps." : "The restore would be refused."}
        </p>
      ) : null}
      {finished || run.steps.length === 0 ? null : stepsView}

      {run.error ? <p role="alert" className="text-sm font-medium text-red-800">{run.error}</p> : null}
      {run.dependentsLeftStopped.length ? (
        <div role="alert" className="rounded-lg border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">
          <p className="font-semibold">Left stopped on purpose:</p>
          <ul className="list-disc pl-5">
            {run.dependentsLeftStopped.map((d) => (
              <li key={d.service}>{d.service} ({d.containers.join(", ")}): {d.why}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {finished ? (
        <>
          <RunReport run={run} />
          <section className="space-y-2" aria-label="Steps">
            <h2 className="text-base font-semibold text-slate-900">What ran</h2>
            {stepsView}
          </section>
        </>
      ) : null}

      {run.rollbackAvailable ? (
        run.status === "succeeded" ? (
          <details className="rounded-lg border border-slate-200 p-4" data-testid="rollback-offer">
            <summary className="cursor-pointer text-sm font-medium text-slate-900">Undo this {KIND_LABEL[run.kind].toLowerCase()}: roll back to the safety backup</summary>
            <div className="mt-3">
              <RollbackForm run={run} />
            </div>
          </details>
        ) : (
          <div data-testid="rollback-offer">
            <RollbackForm run={run} />
          </div>
        )
      ) : null}

      <details open={run.kind === "dry_run" || run.status === "refused"}>
        <summary className="cursor-pointer text-sm font-medium text-slate-900">Preflight and plan</summary>
        <div className="mt-3 space-y-4">
          <ChecksList checks={run.checks} />
          {run.plan ? <PlanSteps plan={run.plan} /> : null}
        </div>
      </details>
    </div>
  );
}

/** "42 s", "3 min 5 s", "1 h 2 min". */
function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function stepTime(s: RestoreRunView["steps"][number]): string {
  // A running step shows no clock: the server's and the browser's render must read the same.
  if (!s.startedAt || !s.finishedAt) return "";
  return formatDuration(new Date(s.finishedAt).getTime() - new Date(s.startedAt).getTime());
}

const count = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-US") : v === null || v === undefined ? "—" : String(v));

type Verification = { ok: boolean; summary: string; checks: Array<{ what: string; expected: number | string | null; actual: number | string | null; result: "ok" | "warn" | "fail"; detail?: string }> };
type Report = { durationMs?: number; bytesRestored?: number; databases?: Array<{ from: string; into: string }>; dependentsRestarted?: string[]; verification?: Verification | null; notes?: string[] };
const VERIFY_STATUS: Record<Verification["checks"][number]["result"], { status: Status; label: string }> = { ok: { status: "ok", label: "Match" }, warn: { status: "warn", label: "Note" }, fail: { status: "critical", label: "Mismatch" } };

/** What ran, how long it took, what changed, and the counts compared with the backup's manifest. */
function RunReport({ run }: { run: RestoreRunView }) {
  const report = (run.report ?? {}) as Report;
  const verification = report.verification ?? null;
  const done = run.steps.filter((s) => s.status === "succeeded").length;
  const into = report.databases?.map((d) => (d.from === d.into ? d.into : `${d.from} → ${d.into}`)).join(", ");
  return (
    <section className="space-y-4 rounded-lg border border-slate-200 p-4" data-testid="restore-report" aria-labelledby={`report-${run.id}`}>
      <h2 id={`report-${run.id}`} className="text-base font-semibold text-slate-900">Report</h2>
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <dt className="text-slate-600">Duration</dt>
          <dd className="font-medium text-slate-900" data-testid="report-duration">{formatDuration(report.durationMs ?? run.durationMs)}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Steps</dt>
          <dd className="font-medium text-slate-900">{done} of {run.steps.length} done{run.failedStep ? `; failed at ${run.steps.find((s) => s.key === run.failedStep)?.title ?? run.failedStep}` : ""}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Restored</dt>
          <dd className="font-medium text-slate-900">{formatBytes(report.bytesRestored ?? run.bytesDone)}{into ? ` into ${into}` : ""}{run.dropAndReplace ? " (drop and replace)" : ""}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Dependents</dt>
          <dd className="font-medium break-words text-slate-900">{report.dependentsRestarted?.length ? `stopped and started again: ${report.dependentsRestarted.join(", ")}` : run.dependentsLeftStopped.length ? "left stopped (see above)" : "none stopped"}</dd>
        </div>
        <div className="sm:col-span-2 lg:col-span-4">
          <dt className="text-slate-600">Safety backup (what {run.service} held before)</dt>
          <dd className="font-mono text-xs break-all text-slate-900">{run.safetyBackupId ?? "none taken"}</dd>
        </div>
      </dl>
      {verification ? (
        <div className="space-y-2">
          <h3 className="text-sm font-semibold text-slate-900">Counts compared with the backup: {verification.summary}</h3>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 sm:hidden">
            {verification.checks.map((c) => (
              <li key={c.what} className="space-y-1 px-3 py-2 text-sm">
                <div className="flex items-start justify-between gap-2">
                  <span className="min-w-0 font-mono text-xs break-words text-slate-900">{c.what}</span>
                  <StatusBadge status={VERIFY_STATUS[c.result].status} label={VERIFY_STATUS[c.result].label} className="shrink-0" />
                </div>
                <p className="text-xs text-slate-700 tabular-nums">in the backup {count(c.expected)} · now {count(c.actual)}</p>
                {c.detail ? <p className="text-xs text-slate-600">{c.detail}</p> : null}
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-lg border border-slate-200 sm:block">
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">What</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">In the backup</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Now</th>
                  <th scope="col" className="px-3 py-2 font-medium">Result</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {verification.checks.map((c) => (
                  <tr key={c.what} data-verify={c.what}>
                    <td className="px-3 py-2 font-mono text-xs text-slate-900">{c.what}{c.detail ? <span className="block font-sans text-slate-600">{c.detail}</span> : null}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{count(c.expected)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{count(c.actual)}</td>
                    <td className="px-3 py-2"><StatusBadge status={VERIFY_STATUS[c.result].status} label={VERIFY_STATUS[c.result].label} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {report.notes?.length ? (
        <ul className="list-disc pl-5 text-sm text-slate-700">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function RollbackForm({ run }: { run: RestoreRunView }) {
  const router = useRouter();
  const ids = { confirm: useId(), reason: useId(), code: useId() };
  const [confirm, setConfirm] = useState("");
  const [reason, setReason] = useState("");
  const [drop, setDrop] = useState(true);
  const [needMfa, setNeedMfa] = useState(false);
  const [mfaPrompt, setMfaPrompt] = useState("");
  const [code, setCode] = useState("");
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function rollback() {
    setPending(true);
    setMessage(null);
    try {
      const r = await startRollback({ runId: run.id, dropAndReplace: drop, confirmService: confirm, reason });
      if (r.ok) router.push(`/restores/${r.data.runId}`);
      else {
        if (r.error.code === "MFA_REQUIRED") {
          setNeedMfa(true);
          setMfaPrompt(r.error.message);
        } else setMessage(r.error.message);
      }
    } catch {
      setMessage("The console did not answer. The rollback may have started: check the history.");
    } finally {
      setPending(false);
    }
  }

  async function prove() {
    setPending(true);
    setMessage(null);
    const r = await stepUpMfa({ code }).catch(() => null);
    setCode("");
    setPending(false);
    if (!r?.ok) {
      setMessage(r ? r.error.message : "The console did not answer.");
      return;
    }
    setNeedMfa(false);
    await rollback();
  }

  return (
    <section className="space-y-3 rounded-lg border border-red-200 bg-red-50/40 p-4" data-testid="rollback-form">
      <h2 className="text-base font-semibold text-slate-900">Roll back from the safety backup</h2>
      <p className="text-sm text-slate-700">Restores <span className="font-mono text-xs">{run.safetyBackupId}</span> — {run.service} as it was before this {run.kind} — with the same checks, after a safety backup of the current state.</p>
      <label className="flex items-start gap-2 text-sm"><input type="checkbox" className="mt-0.5" checked={drop} onChange={(e) => setDrop(e.target.checked)} /> Drop and replace what {run.service} holds now</label>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={ids.confirm} className="block text-sm font-medium text-slate-900">Type <span className="font-mono">{run.service}</span> to confirm</label>
          <input id={ids.confirm} className={`mt-1 ${inputStyles}`} autoComplete="off" spellCheck={false} value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </div>
        <div>
          <label htmlFor={ids.reason} className="block text-sm font-medium text-slate-900">Reason</label>
          <input id={ids.reason} className={`mt-1 ${inputStyles}`} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      </div>
      {needMfa ? (
        <MfaStepUpForm
          id={ids.code}
          prompt={mfaPrompt}
          code={code}
          onCode={setCode}
          onSubmit={() => void prove()}
          onIdpConfirmed={() => {
            setNeedMfa(false);
            void rollback();
          }}
          ready={!pending && confirm.trim() === run.service && reason.trim().length >= 3}
          label="Verify and roll back"
        />
      ) : (
        <button type="button" className={buttonStyles.danger} disabled={pending || confirm.trim() !== run.service || reason.trim().length < 3} onClick={() => void rollback()}>
          {pending ? "Starting…" : "Roll back"}
        </button>
      )}
      {message ? <p role="alert" className="text-sm font-medium text-red-800">{message}</p> : null}
    </section>
  );
}
