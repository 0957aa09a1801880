"use client";

/**
 * Tells the console page that opened this popup how the step-up went: on the BroadcastChannel (the
 * console's Cross-Origin-Opener-Policy cuts `window.opener` once the popup has been at the IdP) and to
 * `window.opener` when the browser kept it, same origin only. Then the popup closes itself.
 */
import { useEffect } from "react";
import { STEP_UP_CHANNEL, STEP_UP_MESSAGE_TYPE, type StepUpMessage, type StepUpResult } from "@/lib/auth/oidc/step-up-messages";

export function StepUpDoneNotice({ ok, result, message, inPopup }: { ok: boolean; result: StepUpResult; message: string; inPopup: boolean }) {
  useEffect(() => {
    const payload: StepUpMessage = { type: STEP_UP_MESSAGE_TYPE, ok, result, message };
    try {
      const channel = new BroadcastChannel(STEP_UP_CHANNEL);
      channel.postMessage(payload);
      channel.close();
    } catch {
      // no BroadcastChannel: window.opener below, or the link back
    }
    try {
      if (window.opener && window.opener !== window) (window.opener as Window).postMessage(payload, window.location.origin);
    } catch {
      // opener gone or elsewhere
    }
    if (!inPopup) return;
    const timer = setTimeout(() => window.close(), ok ? 400 : 4000);
    return () => clearTimeout(timer);
  }, [ok, result, message, inPopup]);

  return inPopup ? (
    <p role="status" className="text-sm text-slate-700">
      {ok ? "The console page you came from continues by itself." : "The console page you came from shows what to do."} You can close this window.
    </p>
  ) : null;
}
