"use client";

/**
 * "Verify chain": runs the audited server action and shows the outcome in place — the row count and
 * head hash when intact, or which row is the first bad one (with a link to it) when not.
 */
import Link from "next/link";
import { useState, useTransition } from "react";
import { buttonStyles } from "@/components/form-controls";
import { ChainIcon } from "@/components/icons";
import type { ActionResult } from "@/lib/actions/define-action";
import type { VerifySummary } from "@/lib/audit/audit-actions";
import { verifyAuditChain } from "./actions";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function VerifyChainButton() {
  const [result, setResult] = useState<ActionResult<VerifySummary> | null>(null);
  const [pending, startTransition] = useTransition();
  const run = () =>
    startTransition(async () => {
      setResult(null);
      try {
        setResult(await verifyAuditChain());
      } catch {
        setResult({ ok: false, error: { code: "INTERNAL", message: "The console could not be reached. Check your connection and try again." } });
      }
    });
  const badId = result && !result.ok && result.error.code === "CONFLICT" ? UUID.exec(result.error.message)?.[0] : undefined;
  return (
    <section aria-label="Chain verification" className="mt-4 flex flex-col gap-3 rounded-xl border border-slate-200 bg-white px-5 py-3 shadow-xs">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-sm text-slate-600">
          <span className="font-semibold text-slate-900">Integrity.</span> Recompute every entry&apos;s hash and link, and name the first one that was edited or removed.
        </p>
        <button type="button" onClick={run} disabled={pending} aria-disabled={pending} className={`${buttonStyles.secondary} shrink-0`}>
          <ChainIcon className="size-4" />
          {pending ? "Verifying…" : "Verify chain"}
        </button>
      </div>
      <div aria-live="polite" className="text-sm empty:hidden">
        {result?.ok ? (
          <p className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-emerald-950">
            <strong className="font-semibold">Chain intact.</strong> {result.data.rows.toLocaleString("en-US")} entries verified in{" "}
            {(result.data.ms / 1000).toFixed(1)} s{result.data.anchor === "checkpoint" ? ", continuing from the last retention checkpoint" : ", from the first entry ever written"}.
            {result.data.lastHash ? (
              <span className="mt-1 block font-mono text-xs break-all text-emerald-900">
                Head hash {result.data.lastHash} — note it down: a later verification that no longer reaches it means entries were removed from the end.
              </span>
            ) : null}
          </p>
        ) : result ? (
          <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-red-900">
            <p>{result.error.message}</p>
            {badId ? (
              <Link href={`/audit/${badId}`} className="mt-1 inline-block font-medium text-red-900 underline underline-offset-2">
                Open the first bad entry
              </Link>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
