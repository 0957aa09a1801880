"use client";

/**
 * A service's backup schedules with their next run; admins create, enable/disable and delete them
 * (cron, five fields, evaluated in the chosen time zone by pg-boss).
 */
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import type { BackupScheduleView } from "@/lib/backups/backups-page-data";
import { createSchedule, deleteSchedule, setScheduleEnabled } from "./actions";
import { formatUtc } from "./format";

const PRESETS = [
  { cron: "0 2 * * *", label: "Daily 02:00" },
  { cron: "0 */6 * * *", label: "Every 6 hours" },
  { cron: "30 3 * * 0", label: "Sundays 03:30" },
];

export function SchedulesPanel({ service, stack, schedules, manage }: { service: string; stack: string | null; schedules: BackupScheduleView[]; manage: boolean }) {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const [cron, setCron] = useState("0 2 * * *");
  const [tz, setTz] = useState("UTC");
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { cron: useId(), tz: useId(), hint: useId() };

  async function act(key: string, fn: () => Promise<{ ok: boolean; error?: { message: string; fieldErrors?: Record<string, string[]> } }>) {
    setPending(key);
    setError(null);
    try {
      const result = await fn();
      if (!result.ok) setError([result.error?.message, ...Object.values(result.error?.fieldErrors ?? {}).flat()].filter(Boolean).join(" "));
      else startRefresh(() => router.refresh());
    } catch {
      setError("The console did not answer.");
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="space-y-3" data-testid={`schedules-${service}`}>
      {schedules.length === 0 ? (
        <p className="text-sm text-slate-600">No schedule: {service} is backed up only when someone runs it.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
          {schedules.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
              <div className="min-w-0">
                <p className="text-sm">
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900">{s.cron}</code> <span className="text-slate-600">{s.tz}</span>
                  {!s.enabled ? <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">disabled</span> : null}
                </p>
                <p className="mt-0.5 text-xs text-slate-600">{s.enabled ? <>Next run {formatUtc(s.nextRun)}</> : "Does not run while disabled"}</p>
              </div>
              {manage ? (
                <div className="flex gap-2">
                  <button type="button" className={buttonStyles.secondary} disabled={pending !== null || refreshing} onClick={() => void act(`t-${s.id}`, () => setScheduleEnabled({ id: s.id, enabled: !s.enabled }))}>
                    {s.enabled ? "Disable" : "Enable"}
                  </button>
                  <button type="button" className={buttonStyles.secondary} disabled={pending !== null || refreshing} aria-label={`Delete schedule ${s.cron}`} onClick={() => void act(`d-${s.id}`, () => deleteSchedule({ id: s.id }))}>
                    Delete
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {manage ? (
        stack ? (
          <form
            className="space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              void act("create", () => createSchedule({ stack, service, cron: cron.trim(), tz: tz.trim() || "UTC" }));
            }}
          >
            <div className="flex gap-2">
              <div className="min-w-0 flex-1">
                <label htmlFor={ids.cron} className="block text-sm font-medium text-slate-900">
                  New schedule (cron)
                </label>
                <input id={ids.cron} value={cron} onChange={(e) => setCron(e.target.value)} list={`${ids.cron}-presets`} required spellCheck={false} aria-describedby={ids.hint} className={`mt-1.5 font-mono ${inputStyles}`} />
                <datalist id={`${ids.cron}-presets`}>
                  {PRESETS.map((p) => (
                    <option key={p.cron} value={p.cron}>
                      {p.label}
                    </option>
                  ))}
                </datalist>
              </div>
              <div className="w-28 shrink-0">
                <label htmlFor={ids.tz} className="block text-sm font-medium text-slate-900">
                  Time zone
                </label>
                <input id={ids.tz} value={tz} onChange={(e) => setTz(e.target.value)} spellCheck={false} className={`mt-1.5 ${inputStyles}`} />
              </div>
            </div>
            <button type="submit" className={buttonStyles.secondary} disabled={pending !== null || refreshing}>
              {pending === "create" ? "Adding…" : "Add schedule"}
            </button>
          </form>
        ) : (
          <p className="text-sm text-slate-600">Set <code className="font-mono">project</code> for {service} in opsdeck.yaml (or run one backup) to schedule it.</p>
        )
      ) : null}
      {manage ? (
        <p id={ids.hint} className="text-xs text-slate-600">
          Minute hour day month weekday, e.g. <code className="font-mono">0 2 * * *</code> (02:00 daily) or <code className="font-mono">0 */6 * * *</code> (every 6 hours). At most every 5 minutes.
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200 ring-inset">
          {error}
        </p>
      ) : null}
    </div>
  );
}
