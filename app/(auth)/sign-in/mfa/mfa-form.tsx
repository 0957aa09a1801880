"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { buttonStyles, Field, FormAlert } from "@/components/form-controls";
import { completeSignIn } from "../complete-sign-in";

const EXPIRED = /expired/i;

export function MfaForm({ next }: { next: string }) {
  const [mode, setMode] = useState<"totp" | "recovery">("totp");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const code = String(new FormData(form).get("code") ?? "").trim();
    if (!code) {
      setError(mode === "totp" ? "Enter the 6-digit code from your authenticator app." : "Enter one of your recovery codes.");
      return;
    }
    setPending(true);
    setError(null);
    const problem = await completeSignIn(code, next);
    if (problem) {
      setError(problem);
      setPending(false);
      form.reset();
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      {error ? (
        <FormAlert>
          {error}
          {EXPIRED.test(error) ? (
            <>
              {" "}
              <Link href="/sign-in" className={buttonStyles.link}>
                Sign in again
              </Link>
            </>
          ) : null}
        </FormAlert>
      ) : null}
      {mode === "totp" ? (
        <Field
          key="totp"
          label="Authentication code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          placeholder="123456"
          autoFocus
          hint="The 6-digit code your authenticator app shows for Opsdeck."
          className="[&_input]:font-mono [&_input]:tracking-widest"
        />
      ) : (
        <Field
          key="recovery"
          label="Recovery code"
          name="code"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="xxxx-xxxx-xxxx-xxxx"
          autoFocus
          hint="One of the recovery codes you saved when you set up MFA. Each works once."
          className="[&_input]:font-mono"
        />
      )}
      <button type="submit" disabled={pending} className={`${buttonStyles.primary} w-full`}>
        {pending ? "Verifying…" : "Verify and sign in"}
      </button>
      <p className="text-sm text-slate-600">
        {mode === "totp" ? (
          <button type="button" className={buttonStyles.link} onClick={() => (setMode("recovery"), setError(null))}>
            Use a recovery code instead
          </button>
        ) : (
          <button type="button" className={buttonStyles.link} onClick={() => (setMode("totp"), setError(null))}>
            Use your authenticator app instead
          </button>
        )}
      </p>
    </form>
  );
}
