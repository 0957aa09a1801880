"use client";

/**
 * One restore run, live: polls the run (server action, `restores.run` checked) every 1.5 s while it
 * runs, so the step list, bytes and percent move and survive a page reload (everything is read from
 * restore_runs). When it ends: the report (verification, duration, safety backup), the failed step,
 * the dependents left stopped and why, and the rollback from the safety backup (same guards: typed
 * service name, reason, MFA step-up).
 */
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import { StatusBadge, type Status } from "@/components/status-badge";
import { formatBytes } from "@/lib/format/units";
import type { RestoreRunView } from "@/lib/restores/restore-page-data";
import { readRun, startRollback, stepUpMfa } from "./actions";
import { ChecksList, PlanSteps } from "./plan-view";

const RUN_STATUS: Record<RestoreRunView["status"], Status> = { planned: "unknown", running: "warn", succeeded: "ok", failed: "critical", refused: "critical", interrupted: "critical" };
const STEP_STATUS: Record<RestoreRunView["steps"][number]["status"], { status: Status; label: string }> = {
  pending: { status: "unknown", label: "Pending" },
  running: { status: "warn", label: "Running" },
  succeeded: { status: "ok", label: "Done" },
  failed: { status: "critical", label: "Failed" },
  skipped: { status: "unknown", label: "Skipped" },
};

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
  const verification = (run.report?.verification ?? null) as { ok: boolean; summary: string } | null;

  return (
    <div className="space-y-6" data-testid="restore-run" data-status={run.status}>
      <div className="flex flex-wrap items-center gap-3">
        <StatusBadge status={RUN_STATUS[run.status]} label={run.status} size="md" />
        <span className="text-sm text-slate-700">
          {run.kind} of <span className="font-medium">{run.service}</span> from <span className="font-mono text-xs">{run.backupId}</span>
          {run.requestedBy ? ` · by ${run.requestedBy}` : ""}
          {run.reason ? ` · “${run.reason}”` : ""}
        </span>
      </div>

      {run.status === "running" ? (
        <div aria-live="polite">
          <div className="h-2 w-full overflow-hidden rounded bg-slate-200">
            <div className="h-2 bg-sky-600 transition-all" style={{ width: `${Math.max(2, run.percent ?? 0)}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {formatBytes(run.bytesDone)} of {formatBytes(run.bytesTotal)} restored{run.currentStep ? ` · now: ${run.steps.find((s) => s.key === run.currentStep)?.title ?? run.currentStep}` : ""}
          </p>
        </div>
      ) : null}

      <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200" data-testid="restore-steps">
        {run.steps.map((s) => (
          <li key={s.key} className="flex flex-col gap-1 px-3 py-2 sm:flex-row sm:items-start sm:gap-3" data-step={s.key} data-step-status={s.status}>
            <StatusBadge status={STEP_STATUS[s.status].status} label={STEP_STATUS[s.status].label} className="shrink-0" />
            <div className="min-w-0 text-sm">
              <span className="font-medium text-slate-900">{s.title}</span>
              {s.detail ? <span className="block text-xs text-slate-600">{s.detail}</span> : null}
              {s.error ? <span className="block text-xs font-medium text-red-800">{s.error}</span> : null}
            </div>
          </li>
        ))}
      </ol>

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
      {run.status !== "running" && run.status !== "planned" ? (
        <dl className="grid gap-2 text-sm sm:grid-cols-3">
          <div><dt className="text-slate-600">Duration</dt><dd>{run.durationMs !== null ? `${Math.round(run.durationMs / 1000)} s` : "—"}</dd></div>
          <div><dt className="text-slate-600">Safety backup</dt><dd className="font-mono text-xs">{run.safetyBackupId ?? "none"}</dd></div>
          <div><dt className="text-slate-600">Verification</dt><dd>{verification ? verification.summary : "—"}</dd></div>
        </dl>
      ) : null}

      {run.rollbackAvailable ? <RollbackForm run={run} /> : null}

      <details>
        <summary className="cursor-pointer text-sm font-medium text-slate-900">Preflight and plan</summary>
        <div className="mt-3 space-y-4">
          <ChecksList checks={run.checks} />
          {run.plan ? <PlanSteps plan={run.plan} /> : null}
        </div>
      </details>
    </div>
  );
}

function RollbackForm({ run }: { run: RestoreRunView }) {
  const router = useRouter();
  const ids = { confirm: useId(), reason: useId(), code: useId() };
  const [confirm, setConfirm] = useState("");
  const [reason, setReason] = useState("");
  const [drop, setDrop] = useState(true);
  const [needMfa, setNeedMfa] = useState(false);
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
        if (r.error.code === "MFA_REQUIRED") setNeedMfa(true);
        setMessage(r.error.message);
      }
    } catch {
      setMessage("The console did not answer. The rollback may have started: check the history.");
    } finally {
      setPending(false);
    }
  }

  async function prove() {
    setPending(true);
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
      <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={drop} onChange={(e) => setDrop(e.target.checked)} /> Drop and replace what {run.service} holds now</label>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={ids.confirm} className="block text-sm font-medium text-slate-900">Type <span className="font-mono">{run.service}</span> to confirm</label>
          <input id={ids.confirm} className={inputStyles} autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </div>
        <div>
          <label htmlFor={ids.reason} className="block text-sm font-medium text-slate-900">Reason</label>
          <input id={ids.reason} className={inputStyles} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      </div>
      {needMfa ? (
        <form className="flex flex-col gap-2 sm:flex-row sm:items-end" onSubmit={(e) => { e.preventDefault(); void prove(); }}>
          <div>
            <label htmlFor={ids.code} className="block text-sm font-medium text-slate-900">Authenticator code (MFA step-up)</label>
            <input id={ids.code} className={inputStyles} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
          <button type="submit" className={buttonStyles.primary} disabled={pending || code.trim().length < 6}>Verify and roll back</button>
        </form>
      ) : (
        <button type="button" className={buttonStyles.danger} disabled={pending || confirm.trim() !== run.service || reason.trim().length < 3} onClick={() => void rollback()}>
          {pending ? "Starting…" : "Roll back"}
        </button>
      )}
      {message ? <p role="alert" className="text-sm text-red-800">{message}</p> : null}
    </section>
  );
}
