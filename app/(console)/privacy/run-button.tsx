"use client";

/**
 * Run now, for operators and admins (the page renders it only for roles with privacy.run; the action
 * checks again on the server). Runs the stack's checks (or all), then refreshes the page's results.
 */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { buttonStyles } from "@/components/form-styles";
import { RefreshIcon } from "@/components/icons";
import { runPrivacyChecksNow } from "./actions";

export function RunChecksButton({ stack, label }: { stack?: string; label: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function run() {
    setPending(true);
    setMessage(null);
    try {
      const result = await runPrivacyChecksNow({ stack });
      if (result.ok) {
        const { pass, fail, error } = result.data.counts;
        setMessage({ ok: fail + error === 0, text: `${result.data.checks} checks ran: ${pass} passed, ${fail} failed${error ? `, ${error} could not run` : ""}.` });
        startTransition(() => router.refresh());
      } else setMessage({ ok: false, text: result.error.message });
    } catch {
      setMessage({ ok: false, text: "The console did not answer. Reload to see whether the checks ran." });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <button type="button" className={buttonStyles.secondary} onClick={run} disabled={pending} aria-busy={pending}>
        <RefreshIcon className={`size-4 ${pending ? "animate-spin" : ""}`} />
        {pending ? "Running…" : label}
      </button>
      <p role="status" aria-live="polite" className={`max-w-xs text-right text-xs ${message ? (message.ok ? "text-emerald-800" : "text-red-800") : "sr-only"}`} data-testid={stack ? `run-message-${stack}` : "run-message"}>
        {message?.text ?? ""}
      </p>
    </div>
  );
}
