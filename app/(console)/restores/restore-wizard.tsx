"use client";

/**
 * The restore wizard (admin): 1 choose the service and a backup (filter by name, e.g. pre-upgrade-…;
 * incompatible ones are shown with the reason and cannot be chosen) → 2 preflight: every check with
 * its result → 3 the plan (a dry run records it and stops) → 4 confirm: type the service name, give
 * a reason, prove MFA again when asked (TOTP, or a re-authentication at the user's IdP) → 5 the run page
 * shows the progress.
 * Every step is checked again on the server.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useSyncExternalStore, type ReactNode } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import { formatBytes } from "@/lib/format/units";
import type { RestoreCandidate, RestorableService } from "@/lib/restores/restore-page-data";
import type { PreflightCheck, RestorePlan } from "@/lib/restores/restore-types";
import { dryRun, listCandidates, preflight, startRestore, stepUpMfa, type ChoiceInput } from "./actions";
import { MfaStepUpForm } from "./mfa-step-up-form";
import { ChecksList, PlanSteps } from "./plan-view";

type Failure = { code: string; message: string; fieldErrors?: Record<string, string[]> };

function errorText(error: Failure): string {
  const fields = error.fieldErrors ? Object.values(error.fieldErrors).flat().join(" ") : "";
  return [error.message, fields].filter(Boolean).join(" ");
}

function StepHeading({ id, n, children }: { id: string; n: number; children: ReactNode }) {
  return (
    <h3 id={id} className="flex items-center gap-2 text-base font-semibold text-slate-900">
      <span aria-hidden="true" className="flex size-6 shrink-0 items-center justify-center rounded-full bg-slate-900 text-xs font-semibold text-white">{n}</span>
      <span><span className="sr-only">Step {n}: </span>{children}</span>
    </h3>
  );
}

/** Tests wait for this: a click before hydration does nothing. */
const noSubscribe = () => () => undefined;

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
  const [mfaPrompt, setMfaPrompt] = useState("");
  const [code, setCode] = useState("");
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string; at: "choose" | "confirm"; runId?: string } | null>(null);
  const hydrated = useSyncExternalStore(noSubscribe, () => true, () => false);
  const engine = services.find((s) => s.key === service)?.engine ?? "";

  useEffect(() => {
    let cancelled = false;
    if (!service) return;
    const t = setTimeout(() => {
      void listCandidates({ service, engine, nameFilter }).then((r) => {
        if (cancelled) return;
        if (r.ok) setCandidates(r.data);
        else setMessage({ ok: false, at: "choose", text: r.error.message });
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
      else setMessage({ ok: false, at: "choose", text: errorText(r.error) });
    } catch {
      setMessage({ ok: false, at: "choose", text: "The console did not answer the preflight." });
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
        setMessage({ ok: true, at: "choose", runId: r.data.runId, text: `Dry run recorded: ${r.data.status === "planned" ? "the restore would run as planned below" : "the restore would be refused (see the checks below)"}. Nothing was changed.` });
        router.refresh();
      } else setMessage({ ok: false, at: "choose", text: errorText(r.error) });
    } catch {
      setMessage({ ok: false, at: "choose", text: "The console did not answer the dry run." });
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
      if (r.error.code === "MFA_REQUIRED") {
        setNeedMfa(true);
        setMfaPrompt(r.error.message);
        return;
      }
      setMessage({ ok: false, at: "confirm", text: errorText(r.error) });
    } catch {
      setMessage({ ok: false, at: "confirm", text: "The console did not answer. The restore may have started: check the history below." });
    } finally {
      setPending(null);
    }
  }

  async function proveMfa() {
    setPending("mfa");
    setMessage(null);
    try {
      const r = await stepUpMfa({ code });
      setCode("");
      if (!r.ok) {
        setMessage({ ok: false, at: "confirm", text: errorText(r.error) });
        return;
      }
      setNeedMfa(false);
      setPending(null);
      await restore();
    } catch {
      setMessage({ ok: false, at: "confirm", text: "The console did not answer the code check. Try again." });
    } finally {
      setPending(null);
    }
  }

  if (services.length === 0) {
    return <p className="text-sm text-slate-700">No Postgres, ClickHouse or Redis service is configured in the stack config (opsdeck.yaml), so there is nothing to restore into.</p>;
  }

  const mismatchFlagged = Boolean(checks?.checks.some((c) => c.key === "database-name" && c.loud));
  const blocking = checks ? checks.checks.filter((c) => c.result === "fail" || c.result === "needs_choice") : [];
  const messageView = (at: "choose" | "confirm") =>
    message && message.at === at ? (
      <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-emerald-800" : "font-medium text-red-800"}`}>
        {message.text}
        {message.runId ? (
          <>
            {" "}
            <Link href={`/restores/${message.runId}`} className={buttonStyles.link}>
              Open the recorded dry run
            </Link>
          </>
        ) : null}
      </p>
    ) : null;

  return (
    <div className="space-y-8" data-testid="restore-wizard" data-hydrated={hydrated}>
      <section aria-labelledby={`${ids.service}-h`} className="space-y-4">
        <StepHeading id={`${ids.service}-h`} n={1}>Choose the target and a backup</StepHeading>
        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor={ids.service} className="block text-sm font-medium text-slate-900">Service to restore into</label>
            <select id={ids.service} className={`mt-1 ${inputStyles}`} value={service} onChange={(e) => { setService(e.target.value); setBackupId(""); }}>
              {services.map((s) => (
                <option key={s.key} value={s.key}>{s.key} ({s.engine}{s.dependents.length ? `; stops ${s.dependents.join(", ")}` : ""})</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.filter} className="block text-sm font-medium text-slate-900">Filter backups by name</label>
            <input id={ids.filter} className={`mt-1 ${inputStyles}`} placeholder="e.g. pre-upgrade-" value={nameFilter} onChange={(e) => setNameFilter(e.target.value)} />
          </div>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Backup</legend>
          {candidates === null ? <p className="mt-1 text-sm text-slate-600">Loading backups…</p> : candidates.length === 0 ? <p className="mt-1 text-sm text-slate-600">{nameFilter.trim() ? "No backup matches that name." : `No backup of ${service} or of another ${engine} service yet.`}</p> : (
            <ul className="mt-1 max-h-80 divide-y divide-slate-200 overflow-y-auto rounded-lg border border-slate-200" data-testid="restore-candidates">
              {candidates.map((c) => (
                <li key={c.backupId} data-backup-id={c.backupId} className={backupId === c.backupId ? "bg-sky-50" : undefined}>
                  <label className={`flex items-start gap-3 px-3 py-2.5 text-sm ${c.refusal ? "cursor-not-allowed text-slate-500" : "cursor-pointer text-slate-900"}`}>
                    <input type="radio" name="backup" className="mt-1" value={c.backupId} disabled={c.refusal !== null} checked={backupId === c.backupId} onChange={() => setBackupId(c.backupId)} />
                    <span className="min-w-0 flex-1">
                      <span className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
                        <span className="font-medium">{c.name ?? "unnamed backup"}</span>
                        <span className="text-xs text-slate-600">{c.startedAt.replace("T", " ").slice(0, 16)} UTC</span>
                      </span>
                      <span className="block text-xs text-slate-600">
                        {c.engine} {c.serverVersion ?? ""} · {formatBytes(c.bytes)}{c.encrypted ? " · encrypted" : ""}{c.service !== service ? ` · from ${c.service}` : ""}
                      </span>
                      <span className="block font-mono text-xs break-all text-slate-500">{c.backupId}</span>
                      {c.refusal ? <span className="block text-xs font-medium text-red-800">Cannot be restored here: {c.refusal}</span> : null}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="space-y-3 text-sm">
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-0.5" checked={dropAndReplace} onChange={(e) => setDropAndReplace(e.target.checked)} />
            <span>
              <span className="font-medium">Drop and replace</span> — {service} already holds data and I want it replaced by the backup (a safety backup is taken first)
              {engine === "volume" ? "; the path is emptied first, so files the backup does not have are removed" : ""}
            </span>
          </label>
          {engine === "postgres" ? (
            <div className="max-w-md">
              <label htmlFor={ids.into} className="block text-sm font-medium text-slate-900">Restore into database <span className="font-normal text-slate-600">(optional)</span></label>
              <p id={`${ids.into}-hint`} className="text-xs text-slate-600">Default: the service&apos;s configured database, or the name inside the backup.</p>
              <input id={ids.into} aria-describedby={`${ids.into}-hint`} className={`mt-1 ${inputStyles}`} value={intoDatabase} onChange={(e) => setIntoDatabase(e.target.value)} />
            </div>
          ) : null}
          {mismatchFlagged || acceptMismatch ? (
            <label className="flex items-start gap-2 rounded-md border border-red-300 bg-red-50 p-2">
              <input type="checkbox" className="mt-0.5" checked={acceptMismatch} onChange={(e) => setAcceptMismatch(e.target.checked)} />
              <span className="font-medium text-red-900">The database name in the backup differs from the target&apos;s, and I want to restore it there anyway</span>
            </label>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="button" className={buttonStyles.primary} disabled={!backupId || pending !== null} onClick={() => void runPreflight()}>
            {pending === "preflight" ? "Checking…" : "Run the preflight"}
          </button>
          <button type="button" className={buttonStyles.secondary} disabled={!backupId || pending !== null} onClick={() => void recordDryRun()}>
            {pending === "dry" ? "Recording…" : "Dry run (record the plan, change nothing)"}
          </button>
        </div>
        {!backupId && candidates?.length ? <p className="text-xs text-slate-600">Choose a backup to run the preflight.</p> : null}
        {messageView("choose")}
      </section>

      {checks ? (
        <>
          <section className="space-y-3" aria-labelledby={`${ids.service}-pre`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <StepHeading id={`${ids.service}-pre`} n={2}>Preflight</StepHeading>
              <p className={`text-sm font-medium ${blocking.length ? "text-red-800" : "text-emerald-800"}`}>
                {blocking.length ? `${blocking.length} of ${checks.checks.length} checks block the restore` : `All ${checks.checks.length} checks passed`}
              </p>
            </div>
            <ChecksList checks={checks.checks} />
          </section>
          {checks.plan ? (
            <section className="space-y-3" aria-labelledby={`${ids.service}-plan`}>
              <StepHeading id={`${ids.service}-plan`} n={3}>Plan</StepHeading>
              <p className="text-sm text-slate-700">These steps run in this order, with these commands (secrets masked).</p>
              <PlanSteps plan={checks.plan} />
            </section>
          ) : null}
          {checks.ok ? (
            <section className="space-y-4 rounded-lg border border-red-200 bg-red-50/40 p-4" data-testid="restore-confirm" aria-labelledby={`${ids.service}-confirm`}>
              <div>
                <StepHeading id={`${ids.service}-confirm`} n={4}>Confirm</StepHeading>
                <p className="text-sm text-slate-700">
                  {dropAndReplace ? <>The data in <span className="font-semibold">{service}</span> will be replaced by the backup. </> : null}
                  A safety backup of {service} is taken first; the rollback restores it.
                </p>
              </div>
              <div className="grid gap-3 sm:grid-cols-2">
                <div>
                  <label htmlFor={ids.confirm} className="block text-sm font-medium text-slate-900">Type <span className="font-mono">{service}</span> to confirm</label>
                  <input id={ids.confirm} className={`mt-1 ${inputStyles}`} autoComplete="off" spellCheck={false} value={confirm} onChange={(e) => setConfirm(e.target.value)} />
                </div>
                <div>
                  <label htmlFor={ids.reason} className="block text-sm font-medium text-slate-900">Reason</label>
                  <input id={ids.reason} className={`mt-1 ${inputStyles}`} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. roll back the failed 1.43 migration" />
                </div>
              </div>
              {needMfa ? (
                <MfaStepUpForm
                  id={ids.code}
                  prompt={mfaPrompt}
                  code={code}
                  onCode={setCode}
                  onSubmit={() => void proveMfa()}
                  onIdpConfirmed={() => {
                    // Confirmed at the IdP (popup): the session's MFA is fresh, so the restore goes again, the form intact.
                    setNeedMfa(false);
                    void restore();
                  }}
                  ready={pending === null && confirm.trim() === service && reason.trim().length >= 3}
                  label={pending === "mfa" || pending === "run" ? "Checking…" : "Verify and restore"}
                />
              ) : (
                <button type="button" className={buttonStyles.danger} disabled={pending !== null || confirm.trim() !== service || reason.trim().length < 3} onClick={() => void restore()}>
                  {pending === "run" ? "Starting…" : `Restore ${service} now`}
                </button>
              )}
              {messageView("confirm")}
            </section>
          ) : (
            <p role="alert" data-testid="preflight-blocked" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm font-medium text-red-900">
              The restore cannot go ahead until every failed check passes and every choice is made{blocking.some((c) => c.key === "target-empty") ? ": the target holds data, so choose “Drop and replace” above and run the preflight again" : ""}.
            </p>
          )}
        </>
      ) : null}
    </div>
  );
}
