/**
 * Preflight checks (each with its result; a database-name mismatch as a loud banner) and the plan's
 * ordered steps with their exact commands (argv, secrets masked). No hooks: used by the wizard and
 * by the run page.
 */
import { StatusBadge, type Status } from "@/components/status-badge";
import type { CommandDisplay } from "@/lib/backups/engines/types";
import type { PreflightCheck, RestorePlan } from "@/lib/restores/restore-types";

const CHECK_STATUS: Record<PreflightCheck["result"], { status: Status; label: string }> = {
  ok: { status: "ok", label: "Passed" },
  warn: { status: "warn", label: "Note" },
  fail: { status: "critical", label: "Failed" },
  needs_choice: { status: "warn", label: "Needs your choice" },
  skipped: { status: "unknown", label: "Skipped" },
};

export function commandText(c: CommandDisplay): string {
  if (c.kind === "archive") return `${c.path}${c.note ? `  # ${c.note}` : ""}`;
  const env = Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(" ");
  return `${env ? `${env} ` : ""}${c.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}${c.stdin ? `  < ${c.stdin}` : ""}${c.note ? `  # ${c.note}` : ""}`;
}

export function ChecksList({ checks }: { checks: PreflightCheck[] }) {
  const loud = checks.filter((c) => c.loud);
  return (
    <div className="space-y-3" data-testid="preflight-checks">
      {loud.map((c) => (
        <div key={c.key} role="alert" className="rounded-lg border-2 border-red-600 bg-red-50 p-3 text-sm font-semibold text-red-900">
          {c.detail}
        </div>
      ))}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200">
        {checks.map((c) => (
          <li key={c.key} className="flex flex-col items-start gap-1 px-3 py-2 sm:flex-row sm:gap-3" data-check={c.key} data-result={c.result}>
            <StatusBadge status={CHECK_STATUS[c.result].status} label={CHECK_STATUS[c.result].label} className="shrink-0" />
            <div className="min-w-0 text-sm break-words">
              <span className="font-medium text-slate-900">{c.title}</span>
              <span className="text-slate-700"> — {c.detail}</span>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function PlanSteps({ plan }: { plan: RestorePlan }) {
  return (
    <div className="space-y-2" data-testid="restore-plan">
      <ol className="list-decimal space-y-2 pl-5 text-sm">
        {plan.steps.map((s) => (
          <li key={s.key}>
            <span className="font-medium text-slate-900">{s.title}</span>
            {s.detail ? <span className="text-slate-600"> — {s.detail}</span> : null}
            {s.commands.length ? (
              <div className="mt-1 space-y-1 rounded bg-slate-900 p-2">
                {s.commands.map((c, i) => (
                  <pre key={i} className="font-mono text-xs leading-5 break-all whitespace-pre-wrap text-slate-100">
                    <span aria-hidden="true" className="text-slate-500 select-none">$ </span>
                    {commandText(c)}
                  </pre>
                ))}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      {plan.notes.length ? (
        <ul className="list-disc pl-5 text-xs text-slate-600">
          {plan.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** In progress: not a warning. A spinning ring (still when the user asks for reduced motion) and the word. */
export function RunningBadge({ label, size = "sm" }: { label: string; size?: "sm" | "md" }) {
  return (
    <span className={`inline-flex shrink-0 items-center rounded-full bg-sky-50 font-medium whitespace-nowrap text-sky-900 ring-1 ring-sky-600/30 ring-inset ${size === "md" ? "gap-1.5 px-2.5 py-1 text-sm" : "gap-1 px-2 py-0.5 text-xs"}`} data-status="running">
      <span aria-hidden="true" className={`${size === "md" ? "size-3.5" : "size-3"} rounded-full border-2 border-sky-600 border-t-transparent motion-safe:animate-spin`} />
      {label}
    </span>
  );
}
