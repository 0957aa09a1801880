"use client";

/**
 * "Sign out all SSO users": every user linked to an identity provider (or to one of them) signs in again
 * through it at their next request, so group changes at the IdP take effect now. Local accounts stay signed in.
 */
import { useState, useTransition } from "react";
import { buttonStyles, FormAlert, inputStyles } from "@/components/form-controls";
import { revokeSsoSessions } from "./actions";

export type SsoProviderScope = { id: string; name: string; users: number };

export function SsoSessionsCard({ providers, ssoUsers, actorIsSso }: { providers: SsoProviderScope[]; ssoUsers: number; actorIsSso: boolean }) {
  const [scope, setScope] = useState<string>("");
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [pending, start] = useTransition();
  const chosen = providers.find((p) => p.id === scope) ?? null;
  const who = chosen ? `every user linked to ${chosen.name} (${chosen.users})` : `every SSO user (${ssoUsers})`;

  function confirm() {
    start(async () => {
      const result = await revokeSsoSessions(chosen ? chosen.id : null);
      setConfirming(false);
      if (result.ok) {
        const n = result.data.usersSignedOut;
        setMessage({ tone: "success", text: `${n} SSO user${n === 1 ? " was" : "s were"} signed out (${result.data.sessionsEnded} session${result.data.sessionsEnded === 1 ? "" : "s"} ended). They sign in again through their identity provider.` });
      } else setMessage({ tone: "error", text: result.error.message });
    });
  }

  return (
    <div className="space-y-3">
      {message ? <FormAlert tone={message.tone}>{message.text}</FormAlert> : null}
      {confirming ? (
        <div className="space-y-3 rounded-lg bg-white px-3 py-3 ring-1 ring-amber-300 ring-inset">
          <p className="text-sm text-slate-900">
            Sign out {who}? Each of their sessions ends at its next request and they must sign in again through the identity provider.
            {actorIsSso ? " That includes you: your account is linked to an identity provider." : ""} Local accounts stay signed in.
          </p>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} className={buttonStyles.danger} onClick={confirm}>
              {pending ? "Working…" : "Sign out SSO users"}
            </button>
            <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
          {providers.length > 1 ? (
            <div className="sm:w-72">
              <label htmlFor="sso-scope" className="block text-sm font-medium text-slate-900">
                Which users
              </label>
              <select id="sso-scope" value={scope} onChange={(e) => setScope(e.target.value)} className={`mt-1.5 ${inputStyles}`}>
                <option value="">Every SSO user ({ssoUsers})</option>
                {providers.map((p) => (
                  <option key={p.id} value={p.id}>
                    Users linked to {p.name} ({p.users})
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="button" disabled={pending || ssoUsers === 0} className={buttonStyles.secondary} onClick={() => { setMessage(null); setConfirming(true); }}>
            Sign out all SSO users
          </button>
        </div>
      )}
    </div>
  );
}
