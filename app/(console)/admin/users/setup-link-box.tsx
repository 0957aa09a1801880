"use client";

import { useState, useSyncExternalStore } from "react";
import { buttonStyles } from "@/components/form-controls";
import { formatUtc } from "@/lib/format/datetime";

const subscribe = () => () => undefined;

/** A one-time setup link, shown once, with a copy button. */
export function SetupLinkBox({ email, setupPath, expiresAt, purpose = "invite" }: { email: string; setupPath: string; expiresAt: string; purpose?: "invite" | "reset" }) {
  const origin = useSyncExternalStore(subscribe, () => window.location.origin, () => "");
  const url = `${origin}${setupPath}`;
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2 rounded-lg bg-emerald-50 px-3 py-3 ring-1 ring-emerald-200 ring-inset" role="status">
      <p className="text-sm text-emerald-950">
        {purpose === "reset" ? "Password-reset link" : "Setup link"} for <span className="font-medium break-words">{email}</span>. Send it to them privately; it works once and
        expires {formatUtc(expiresAt)}. It is not shown again.
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          readOnly
          value={url}
          aria-label={`Setup link for ${email}`}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-emerald-300 ring-inset"
          data-testid="setup-link"
        />
        <button
          type="button"
          className={buttonStyles.secondary}
          onClick={() =>
            void navigator.clipboard?.writeText(url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy link"}
        </button>
      </div>
    </div>
  );
}
