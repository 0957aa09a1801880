"use client";

/**
 * The warning at the top of the Users page: enabled admins who have not signed in for the configured number
 * of days, each with a one-click Disable (the audited user.disable action; the last-admin guard still applies
 * and its message shows here).
 */
import { useState, useTransition } from "react";
import { buttonStyles, FormAlert } from "@/components/form-controls";
import { WarningIcon } from "@/components/icons";
import { describeStaleAdmin, staleAdminsHeadline } from "@/lib/users/stale-admins";
import { disableUser } from "./actions";

export type StaleAdminView = { id: string; email: string; idleDays: number; neverSignedIn: boolean; isSelf: boolean };

export function StaleAdminsCard({ admins, days }: { admins: StaleAdminView[]; days: number }) {
  const [pending, start] = useTransition();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [messages, setMessages] = useState<Record<string, { tone: "success" | "error"; text: string }>>({});
  // Admins disabled from here stay listed (with the confirmation) after the page refreshes without them.
  const [done, setDone] = useState<StaleAdminView[]>([]);
  const rows = [...admins, ...done.filter((d) => !admins.some((a) => a.id === d.id))];
  if (rows.length === 0) return null;

  function disable(admin: StaleAdminView) {
    setBusyId(admin.id);
    start(async () => {
      const result = await disableUser(admin.id);
      setBusyId(null);
      if (result.ok) setDone((d) => [...d, admin]);
      setMessages((m) => ({
        ...m,
        [admin.id]: result.ok ? { tone: "success", text: `${admin.email} is disabled and signed out.` } : { tone: "error", text: result.error.message },
      }));
    });
  }

  return (
    <section aria-labelledby="stale-admins-heading" className="rounded-xl border border-amber-300 bg-amber-50 px-5 py-4 shadow-xs" data-testid="stale-admins">
      <div className="flex items-start gap-2">
        <WarningIcon className="mt-0.5 size-5 shrink-0 text-amber-700" />
        <div className="min-w-0">
          <h2 id="stale-admins-heading" className="text-sm font-semibold text-amber-950">
            {admins.length > 0 ? staleAdminsHeadline(admins.length, days) : `Every admin who had not signed in for ${days} days is now disabled`}
          </h2>
          <p className="mt-0.5 text-sm text-amber-900">Disable the accounts nobody uses any more. A disabled admin can be enabled again from the list below.</p>
        </div>
      </div>
      <ul className="mt-3 divide-y divide-amber-200 rounded-lg bg-white ring-1 ring-amber-200 ring-inset">
        {rows.map((a) => (
          <li key={a.id} className="space-y-2 px-3 py-2.5" data-stale-admin={a.email}>
            <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
              <p className="min-w-0 text-sm text-slate-900">
                <span className="font-medium break-words">{a.email}</span>
                {a.isSelf ? <span className="ml-1.5 text-xs text-slate-600">(you)</span> : null}
                <span className="text-slate-700"> — {describeStaleAdmin(a)}</span>
              </p>
              {messages[a.id]?.tone === "success" ? null : (
                <button
                  type="button"
                  disabled={pending || a.isSelf}
                  className={`${buttonStyles.secondary} shrink-0 text-red-700`}
                  onClick={() => disable(a)}
                  aria-label={`Disable ${a.email}`}
                >
                  {busyId === a.id ? "Disabling…" : "Disable"}
                </button>
              )}
            </div>
            {messages[a.id] ? <FormAlert tone={messages[a.id]!.tone}>{messages[a.id]!.text}</FormAlert> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
