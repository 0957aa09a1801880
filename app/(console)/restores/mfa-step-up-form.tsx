"use client";

/**
 * The MFA step-up asked before a restore or a rollback when the last proof is older than 5 minutes. One
 * form for both pages, in the user's own method: the code from their authenticator app (TOTP), or — an SSO
 * user without console TOTP — "Confirm with <IdP>": the IdP's sign-in opens in a popup (prompt=login),
 * lands on /sign-in/step-up-done, which tells this page (BroadcastChannel, and window.opener when the
 * browser kept it), and the page retries what it was doing, its form intact. A blocked popup falls back
 * to the same sign-in in this window, which comes back to this page.
 */
import { useEffect, useRef, useState } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import type { StepUpMethods, StepUpProvider } from "@/lib/auth/step-up-methods";
import { isStepUpMessage, STEP_UP_CHANNEL, STEP_UP_DONE_PATH, type StepUpMessage } from "@/lib/auth/oidc/step-up-messages";
import { stepUpOptions } from "./actions";

function stepUpUrl(providerId: string, next: string): string {
  return `/api/auth/oidc/${encodeURIComponent(providerId)}?step-up=1&next=${encodeURIComponent(next)}`;
}

/** Listens for the step-up-done page's message while `waiting` is set; each confirmation is acted on once. */
function useIdpStepUpResult(onResult: (message: StepUpMessage) => void) {
  const waitingRef = useRef(false);
  const handler = useRef(onResult);
  useEffect(() => {
    handler.current = onResult;
  });
  useEffect(() => {
    const receive = (data: unknown) => {
      if (!waitingRef.current || !isStepUpMessage(data)) return;
      waitingRef.current = false;
      handler.current(data);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin === window.location.origin) receive(event.data);
    };
    window.addEventListener("message", onMessage);
    const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(STEP_UP_CHANNEL);
    if (channel) channel.onmessage = (event) => receive(event.data);
    return () => {
      window.removeEventListener("message", onMessage);
      channel?.close();
    };
  }, []);
  return waitingRef;
}

export function MfaStepUpForm(props: {
  id: string;
  prompt: string;
  code: string;
  onCode: (code: string) => void;
  onSubmit: () => void;
  /** After a confirmation at the IdP: retry what needed the step-up. */
  onIdpConfirmed: () => void;
  /** What else must hold before the button works (typed name, reason, nothing pending). */
  ready: boolean;
  label: string;
}) {
  const [methods, setMethods] = useState<StepUpMethods | null>(null);
  const [waitingFor, setWaitingFor] = useState<StepUpProvider | null>(null);
  const [blocked, setBlocked] = useState<StepUpProvider | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    stepUpOptions()
      .then((m) => !cancelled && setMethods(m))
      .catch(() => !cancelled && setMethods({ kind: "totp" }));
    return () => {
      cancelled = true;
    };
  }, []);

  const waitingRef = useIdpStepUpResult((message) => {
    setWaitingFor(null);
    if (message.ok) {
      setProblem(null);
      props.onIdpConfirmed();
    } else setProblem(message.message);
  });

  function confirmWithIdp(provider: StepUpProvider) {
    setProblem(null);
    setBlocked(null);
    const popup = window.open(stepUpUrl(provider.id, STEP_UP_DONE_PATH), "opsdeck-mfa-step-up", "popup,width=520,height=700");
    if (!popup) {
      setBlocked(provider);
      return;
    }
    waitingRef.current = true;
    setWaitingFor(provider);
  }

  return (
    <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3" data-testid="mfa-step-up" data-method={methods?.kind ?? "loading"}>
      <p className="text-sm text-amber-950">{props.prompt}</p>
      {methods === null ? (
        <p className="text-sm text-slate-700">Checking how you can confirm…</p>
      ) : methods.kind === "totp" ? (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            props.onSubmit();
          }}
        >
          <p className="text-sm text-slate-700">Enter the current code from your authenticator app.</p>
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
      ) : methods.kind === "idp" ? (
        <div className="space-y-2">
          <p className="text-sm text-slate-700">
            Sign in again at your identity provider, with your second factor. A small window opens; when you are done there, this page goes on by itself.
          </p>
          <div className="flex flex-wrap gap-2">
            {methods.providers.map((p) => (
              <button key={p.id} type="button" className={buttonStyles.danger} disabled={!props.ready || waitingFor !== null} onClick={() => confirmWithIdp(p)}>
                Confirm with {p.name}
              </button>
            ))}
          </div>
          {waitingFor ? (
            <p role="status" className="text-sm text-slate-700">
              Waiting for {waitingFor.name}: finish signing in in the window that opened.{" "}
              <button type="button" className={buttonStyles.link} onClick={() => { waitingRef.current = false; setWaitingFor(null); }}>
                Cancel
              </button>
            </p>
          ) : null}
          {blocked ? (
            <p role="alert" className="text-sm text-amber-950">
              Your browser blocked the sign-in window.{" "}
              <a className={buttonStyles.link} href={stepUpUrl(blocked.id, `${window.location.pathname}${window.location.search}`)}>
                Confirm with {blocked.name} in this window
              </a>{" "}
              — you come back to this page afterwards, and fill in the form again within 5 minutes.
            </p>
          ) : null}
        </div>
      ) : (
        <p role="alert" className="text-sm font-medium text-red-800">
          Your account has no second factor this console can check again. Sign out and sign in again, or ask an administrator.
        </p>
      )}
      {problem ? (
        <p role="alert" className="text-sm font-medium text-red-800">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
