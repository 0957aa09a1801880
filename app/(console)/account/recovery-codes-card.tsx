"use client";

import { useState, useTransition } from "react";
import { buttonStyles, FormAlert } from "@/components/form-controls";
import { RecoveryCodesPanel } from "@/components/recovery-codes-panel";
import { regenerateRecoveryCodes } from "./actions";

export function RecoveryCodesRegenerator({ email, remaining }: { email: string; remaining: number }) {
  const [confirming, setConfirming] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  if (codes)
    return (
      <div className="space-y-3">
        <FormAlert tone="success">New recovery codes are ready; the old ones no longer work. Save these now: they are shown only once.</FormAlert>
        <RecoveryCodesPanel codes={codes} accountEmail={email} />
      </div>
    );

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        <span className="font-medium text-slate-900 tabular-nums">{remaining}</span> of 10 recovery codes left.
        {remaining <= 3 ? " Create new ones before you run out." : null}
      </p>
      {error ? <FormAlert>{error}</FormAlert> : null}
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2 rounded-lg bg-amber-50 px-3 py-2.5 ring-1 ring-amber-200 ring-inset">
          <p className="text-sm text-amber-950">Your current recovery codes will stop working.</p>
          <div className="flex gap-2">
            <button
              type="button"
              disabled={pending}
              className={buttonStyles.primary}
              onClick={() =>
                start(async () => {
                  const result = await regenerateRecoveryCodes();
                  if (result.ok) setCodes(result.data.recoveryCodes);
                  else setError(result.error.message);
                  setConfirming(false);
                })
              }
            >
              {pending ? "Creating…" : "Create new codes"}
            </button>
            <button type="button" className={buttonStyles.secondary} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className={buttonStyles.secondary} onClick={() => setConfirming(true)}>
          Create new recovery codes
        </button>
      )}
    </div>
  );
}
