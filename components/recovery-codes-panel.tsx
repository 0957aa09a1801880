"use client";

import { useState } from "react";
import { buttonStyles } from "./form-controls";

/** Shows freshly issued recovery codes once, with copy and download; `children` is what comes after. */
export function RecoveryCodesPanel({ codes, accountEmail, children }: { codes: string[]; accountEmail: string; children?: React.ReactNode }) {
  const [copied, setCopied] = useState(false);
  const text = `Opsdeck recovery codes for ${accountEmail}\nEach code works once. Keep them somewhere safe, away from your phone.\n\n${codes.join("\n")}\n`;
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div className="space-y-4">
      <ol aria-label="Recovery codes" className="grid grid-cols-1 gap-x-6 gap-y-1.5 rounded-lg bg-slate-50 px-4 py-3 font-mono text-sm text-slate-900 ring-1 ring-slate-200 ring-inset min-[380px]:grid-cols-2">
        {codes.map((code) => (
          <li key={code} data-recovery-code={code} className="tabular-nums">
            {code}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={buttonStyles.secondary}
          onClick={() =>
            void navigator.clipboard?.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy codes"}
        </button>
        <a href={download} download="opsdeck-recovery-codes.txt" className={buttonStyles.secondary}>
          Download .txt
        </a>
      </div>
      {children}
    </div>
  );
}
