"use client";

import { useActionState, useState } from "react";
import { buttonStyles, Field, FormAlert, SubmitButton } from "@/components/form-controls";
import { completeSignIn } from "../complete-sign-in";
import { confirmEnrolment, type EnrolmentState } from "./actions";
import { RecoveryCodesPanel } from "@/components/recovery-codes-panel";

type EnrolView = { manualKey: string; qrDataUrl: string; email: string };

function ContinueToConsole({ next, requireAck }: { next: string; requireAck: boolean }) {
  const [saved, setSaved] = useState(!requireAck);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-4">
      {requireAck ? (
        <label className="flex items-start gap-2.5 text-sm text-slate-900">
          <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} className="mt-0.5 size-4 rounded border-slate-300 accent-slate-900" />
          I have saved my recovery codes somewhere safe.
        </label>
      ) : null}
      {error ? <FormAlert>{error}</FormAlert> : null}
      <button
        type="button"
        disabled={!saved || pending}
        className={`${buttonStyles.primary} w-full`}
        onClick={async () => {
          setPending(true);
          const problem = await completeSignIn(undefined, next);
          if (problem) {
            setError(problem);
            setPending(false);
          }
        }}
      >
        {pending ? "Signing in…" : "Continue to Opsdeck"}
      </button>
    </div>
  );
}

export function EnrollForm({ view, next }: { view: EnrolView; next: string }) {
  const [state, action] = useActionState<EnrolmentState, FormData>(confirmEnrolment, null);

  if (state && "recoveryCodes" in state)
    return (
      <div className="space-y-4">
        <FormAlert tone="success">Your authenticator is set up.</FormAlert>
        <div>
          <h2 className="text-base font-semibold text-slate-900">Save your recovery codes</h2>
          <p className="mt-1 text-sm text-slate-600">
            If you lose your phone, each of these codes signs you in once instead of an authenticator code. They are shown only now.
          </p>
        </div>
        <RecoveryCodesPanel codes={state.recoveryCodes} accountEmail={view.email}>
          <ContinueToConsole next={next} requireAck />
        </RecoveryCodesPanel>
      </div>
    );

  return (
    <div className="space-y-6">
      <ol className="space-y-6 text-sm text-slate-700">
        <li>
          <p className="font-medium text-slate-900">1. Scan this QR code with your authenticator app</p>
          <p className="mt-1">Google Authenticator, Microsoft Authenticator, 1Password, Bitwarden, Authy or similar.</p>
          <div className="mt-3 flex justify-center sm:justify-start">
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated on the server */}
            <img src={view.qrDataUrl} width={208} height={208} alt="QR code to add Opsdeck to your authenticator app" className="rounded-lg ring-1 ring-slate-200" />
          </div>
        </li>
        <li>
          <p className="font-medium text-slate-900">Or enter this key by hand</p>
          <p className="mt-1">Time-based, 6 digits, every 30 seconds.</p>
          <p className="mt-2 rounded-lg bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-slate-200 ring-inset" data-testid="manual-key">
            {view.manualKey}
          </p>
        </li>
        <li>
          <p className="font-medium text-slate-900">2. Enter the code the app shows</p>
          <form action={action} className="mt-3 space-y-4" noValidate>
            {state && "error" in state ? <FormAlert>{state.error}</FormAlert> : null}
            <Field
              label="Authentication code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={7}
              placeholder="123456"
              required
              className="[&_input]:font-mono [&_input]:tracking-widest"
            />
            <SubmitButton className="w-full" pendingLabel="Checking…">
              Turn on MFA
            </SubmitButton>
          </form>
        </li>
      </ol>
    </div>
  );
}

export function EnrolledContinue({ next }: { next: string }) {
  return <ContinueToConsole next={next} requireAck={false} />;
}
