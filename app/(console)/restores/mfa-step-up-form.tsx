"use client";

/**
 * The TOTP step-up asked before a restore or a rollback when the last proof is older than 5 minutes:
 * the prompt, the code field and the button that proves it and goes on. One form for both pages.
 */
import { buttonStyles, inputStyles } from "@/components/form-styles";

export function MfaStepUpForm(props: {
  id: string;
  prompt: string;
  code: string;
  onCode: (code: string) => void;
  onSubmit: () => void;
  /** What else must hold before the button works (typed name, reason, nothing pending). */
  ready: boolean;
  label: string;
}) {
  return (
    <form
      className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3"
      data-testid="mfa-step-up"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <p className="text-sm text-amber-950">{props.prompt}</p>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="sm:w-56">
          <label htmlFor={props.id} className="block text-sm font-medium text-slate-900">
            Authenticator code
          </label>
          <input
            id={props.id}
            className={`mt-1 font-mono tracking-widest ${inputStyles}`}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={12}
            autoFocus
            value={props.code}
            onChange={(e) => props.onCode(e.target.value)}
          />
        </div>
        <button type="submit" className={buttonStyles.danger} disabled={!props.ready || props.code.trim().length < 6}>
          {props.label}
        </button>
      </div>
    </form>
  );
}
