"use client";

/**
 * The restore wizard (admin): 1 choose the service and a backup (filter by name, e.g. pre-upgrade-…;
 * incompatible ones are shown with the reason and cannot be chosen) → 2 preflight: every check with
 * its result → 3 the plan (a dry run records it and stops) → 4 confirm: type the service name, give
 * a reason, prove MFA again when asked (TOTP step-up) → 5 the run page shows the progress.
 * Every step is checked again on the server.
 */
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import { formatBytes } from "@/lib/format/units";
import type { RestoreCandidate, RestorableService } from "@/lib/restores/restore-page-data";
import type { PreflightCheck, RestorePlan } from "@/lib/restores/restore-types";
import { dryRun, listCandidates, preflight, startRestore, stepUpMfa, type ChoiceInput } from "./actions";
import { ChecksList, PlanSteps } from "./plan-view";

type Failure = { code: string; message: string; fieldErrors?: Record<string, string[]> };

function errorText(error: Failure): string {
  const fields = error.fieldErrors ? Object.values(error.fieldErrors).flat().join(" ") : "";
  return [error.message, fields].filter(Boolean).join(" ");
}

export function RestoreWizard({ services }: { services: RestorableService[] }) {
  const router = useRouter();
  const ids = { service: useId(), filter: useId(), backup: useId(), into: useId(), confirm: useId(), reason: useId(), code: useId() };
  const [service, setService] = useState(services[0]?.key ?? "");
  const [nameFilter, setNameFilter] = useState("");
  const [candidates, setCandidates] = useState<RestoreCandidate[] | null>(null);
  const [backupId, setBackupId] = useState("");
  const [dropAndReplace, setDropAndReplace] = useState(false);
  const [acceptMismatch, setAcceptMismatch] = useState(false);
  const [intoDatabase, setIntoDatabase] = useState("");
  const [shown, setChecks] = useState<{ key: string; ok: boolean; checks: PreflightCheck[]; plan: RestorePlan | null } | null>(null);
  const [confirm, setConfirm] = useState("");
  const [reason, setReason] = useState("");
  const [needMfa, setNeedMfa] = useState(false);
  const [code, setCode] = useState("");
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const engine = services.find((s) => s.key === service)?.engine ?? "";

  useEffect(() => {
    let cancelled = false;
    if (!service) return;
    const t = setTimeout(() => {
      void listCandidates({ service, engine, nameFilter }).then((r) => {
        if (cancelled) return;
        if (r.ok) setCandidates(r.data);
        else setMessage({ ok: false, text: r.error.message });
      });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [service, engine, nameFilter]);

  // A preflight is shown only for the choice it was made for: any change of choice hides it.
  const choiceKey = JSON.stringify([service, backupId, dropAndReplace, acceptMismatch, intoDatabase.trim()]);
  const checks = shown && shown.key === choiceKey ? shown : null;

  const choice = (): ChoiceInput => ({ service, backupId, dropAndReplace, acceptDatabaseMismatch: acceptMismatch, ...(intoDatabase.trim() ? { intoDatabase: intoDatabase.trim() } : {}) });

  async function runPreflight() {
    setPending("preflight");
    setMessage(null);
    try {
      const r = await preflight(choice());
      if (r.ok) setChecks({ key: choiceKey, ok: r.data.preflight.ok, checks: r.data.preflight.checks, plan: r.data.plan });
      else setMessage({ ok: false, text: errorText(r.error) });
    } catch {
      setMessage({ ok: false, text: "The console did not answer the preflight." });
    } finally {
      setPending(null);
    }
  }

  async function recordDryRun() {
    setPending("dry");
    setMessage(null);
    try {
      const r = await dryRun(choice());
      if (r.ok) {
        setChecks({ key: choiceKey, ok: r.data.preflight.ok, checks: r.data.preflight.checks, plan: r.data.plan });
        setMessage({ ok: true, text: `Dry run recorded (${r.data.status === "planned" ? "it would run" : "it would be refused"}). Nothing was changed.` });
        router.refresh();
      } else setMessage({ ok: false, text: errorText(r.error) });
    } catch {
      setMessage({ ok: false, text: "The console did not answer the dry run." });
    } finally {
      setPending(null);
    }
  }

  async function restore() {
    setPending("run");
    setMessage(null);
    try {
      const r = await startRestore({ ...choice(), confirmService: confirm, reason });
      if (r.ok) {
        router.push(`/restores/${r.data.runId}`);
        return;
      }
      if (r.error.code === "MFA_REQUIRED") setNeedMfa(true);
      setMessage({ ok: false, text: errorText(r.error) });
    } catch {
      setMessage({ ok: false, text: "The console did not answer. The restore may have started: check the history below." });
    } finally {
      setPending(null);
    }
  }

  async function proveMfa() {
    setPending("mfa");
    try {
      const r = await stepUpMfa({ code });
      setCode("");
      if (!r.ok) {
        setMessage({ ok: false, text: errorText(r.error) });
        return;
      }
      setNeedMfa(false);
      setPending(null);
      await restore();
    } finally {
      setPending(null);
    }
  }

  if (services.length === 0) {
    return <p className="text-sm text-slate-700">No Postgres, ClickHouse or Redis service is configured in the stack config (opsdeck.yaml), so there is nothing to restore into.</p>;
  }

  return (
    <div className="space-y-6" data-testid="restore-wizard">
      <section aria-labelledby={`${ids.service}-h`} className="space-y-3">
        <h2 id={`${ids.service}-h`} className="text-base font-semibold text-slate-900">1. Choose the target and a backup</h2>
        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor={ids.service} className="block text-sm font-medium text-slate-900">Service to restore into</label>
            <select id={ids.service} className={inputStyles} value={service} onChange={(e) => { setService(e.target.value); setBackupId(""); }}>
              {services.map((s) => (
                <option key={s.key} value={s.key}>{s.key} ({s.engine}{s.dependents.length ? `; stops ${s.dependents.join(", ")}` : ""})</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.filter} className="block text-sm font-medium text-slate-900">Filter backups by name</label>
            <input id={ids.filter} className={inputStyles} placeholder="pre-upgrade-" value={nameFilter} onChange={(e) => setNameFilter(e.target.value)} />
          </div>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Backup</legend>
          {candidates === null ? <p className="text-sm text-slate-600">Loading backups…</p> : candidates.length === 0 ? <p className="text-sm text-slate-600">No backup matches.</p> : (
            <ul className="mt-1 max-h-72 divide-y divide-slate-200 overflow-y-auto rounded-lg border border-slate-200" data-testid="restore-candidates">
              {candidates.map((c) => (
                <li key={c.backupId} className="px-3 py-2 text-sm">
                  <label className={`flex items-start gap-2 ${c.refusal ? "text-slate-500" : "text-slate-900"}`}>
                    <input type="radio" name="backup" value={c.backupId} disabled={c.refusal !== null} checked={backupId === c.backupId} onChange={() => setBackupId(c.backupId)} />
                    <span className="min-w-0">
                      <span className="font-mono text-xs">{c.backupId}</span>
                      <span className="block text-xs text-slate-600">
                        {c.engine} {c.serverVersion ?? ""} · {formatBytes(c.bytes)}{c.encrypted ? " · encrypted" : ""}{c.service !== service ? ` · from ${c.service}` : ""}
                      </span>
                      {c.refusal ? <span className="block text-xs font-medium text-red-800">Cannot be restored here: {c.refusal}</span> : null}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="space-y-2 text-sm">
          <label className="flex items-start gap-2">
            <input type="checkbox" checked={dropAndReplace} onChange={(e) => setDropAndReplace(e.target.checked)} />
            <span><span className="font-medium">Drop and replace</span> — the target already holds data and I want it replaced by the backup (a safety backup is taken first)</span>
          </label>
          {engine === "postgres" ? (
            <div className="max-w-sm">
              <label htmlFor={ids.into} className="block text-sm font-medium text-slate-900">Restore into database <span className="font-normal text-slate-600">(optional: default is the database&apos;s own name or the service&apos;s configured one)</span></label>
              <input id={ids.into} className={inputStyles} value={intoDatabase} onChange={(e) => setIntoDatabase(e.target.value)} />
            </div>
          ) : null}
          <label className="flex items-start gap-2">
            <input type="checkbox" checked={acceptMismatch} onChange={(e) => setAcceptMismatch(e.target.checked)} />
            <span>I know the database name in the backup differs from the target&apos;s, and want it anyway</span>
          </label>
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="button" className={buttonStyles.primary} disabled={!backupId || pending !== null} onClick={() => void runPreflight()}>
            {pending === "preflight" ? "Checking…" : "2. Run the preflight"}
          </button>
          <button type="button" className={buttonStyles.secondary} disabled={!backupId || pending !== null} onClick={() => void recordDryRun()}>
            {pending === "dry" ? "Recording…" : "Dry run (record the plan, change nothing)"}
          </button>
        </div>
      </section>

      {checks ? (
        <section className="space-y-3">
          <h2 className="text-base font-semibold text-slate-900">Preflight</h2>
          <ChecksList checks={checks.checks} />
          {checks.plan ? (
            <>
              <h2 className="text-base font-semibold text-slate-900">3. Plan</h2>
              <PlanSteps plan={checks.plan} />
            </>
          ) : null}
          {checks.ok ? (
            <div className="space-y-3 rounded-lg border border-red-200 bg-red-50/40 p-4" data-testid="restore-confirm">
              <h2 className="text-base font-semibold text-slate-900">4. Confirm</h2>
              <div className="grid gap-3 sm:grid-cols-2">
                <div>
                  <label htmlFor={ids.confirm} className="block text-sm font-medium text-slate-900">Type <span className="font-mono">{service}</span> to confirm</label>
                  <input id={ids.confirm} className={inputStyles} autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
                </div>
                <div>
                  <label htmlFor={ids.reason} className="block text-sm font-medium text-slate-900">Reason</label>
                  <input id={ids.reason} className={inputStyles} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. roll back the failed 1.43 migration" />
                </div>
              </div>
              {needMfa ? (
                <form className="flex flex-col gap-2 sm:flex-row sm:items-end" onSubmit={(e) => { e.preventDefault(); void proveMfa(); }}>
                  <div>
                    <label htmlFor={ids.code} className="block text-sm font-medium text-slate-900">Authenticator code (MFA step-up)</label>
                    <input id={ids.code} className={inputStyles} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
                  </div>
                  <button type="submit" className={buttonStyles.primary} disabled={pending !== null || code.trim().length < 6}>{pending === "mfa" ? "Checking…" : "Verify and restore"}</button>
                </form>
              ) : (
                <button type="button" className={buttonStyles.danger} disabled={pending !== null || confirm.trim() !== service || reason.trim().length < 3} onClick={() => void restore()}>
                  {pending === "run" ? "Starting…" : `Restore ${service} now`}
                </button>
              )}
            </div>
          ) : (
            <p className="text-sm font-medium text-red-800">The restore cannot go ahead until every failed check passes and every choice is made.</p>
          )}
        </section>
      ) : null}

      {message ? (
        <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-emerald-800" : "text-red-800"}`}>{message.text}</p>
      ) : null}
    </div>
  );
}
