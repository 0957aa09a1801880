/**
 * Pieces of the privacy page (Server Components): the status badge of a result, the timeline of a
 * check (one mark per run, oldest left; a flip from pass is ringed and labelled), and the evidence.
 */
import { StatusBadge, type Status } from "@/components/status-badge";
import type { ResultView } from "@/lib/privacy/page-data";
import type { CheckStatus } from "@/lib/privacy/types";

const BADGE: Record<CheckStatus, { status: Status; label: string }> = {
  pass: { status: "ok", label: "Pass" },
  fail: { status: "critical", label: "Fail" },
  error: { status: "warn", label: "Could not check" },
};

export function ResultBadge({ status }: { status: CheckStatus | null }) {
  if (!status) return <StatusBadge status="unknown" label="Not run yet" />;
  return <StatusBadge status={BADGE[status].status} label={BADGE[status].label} />;
}

const MARK: Record<CheckStatus, string> = { pass: "bg-emerald-500", fail: "bg-red-600", error: "bg-amber-400" };
const time = (iso: string) => iso.replace("T", " ").slice(0, 16) + " UTC";

export function Timeline({ history }: { history: ResultView[] }) {
  if (history.length === 0) return <p className="text-xs text-slate-500">No runs yet.</p>;
  const counts = { pass: 0, fail: 0, error: 0 };
  for (const h of history) counts[h.status]++;
  const flips = history.filter((h) => h.flipped).length;
  const label = `Last ${history.length} runs, oldest first: ${counts.pass} passed, ${counts.fail} failed, ${counts.error} could not check${flips ? `; ${flips} flip${flips === 1 ? "" : "s"} from pass` : ""}.`;
  return (
    <div>
      <ol className="flex items-end gap-0.5" aria-label={label} data-testid="timeline">
        {history.map((h) => (
          <li key={h.id} className="relative flex flex-col items-center" data-status={h.status} data-flipped={h.flipped ? "true" : undefined}>
            <span
              title={`${time(h.at)}: ${h.status}${h.flipped ? " (flipped from pass)" : ""}`}
              className={`block w-2.5 rounded-sm ${MARK[h.status]} ${h.status === "pass" ? "h-4" : "h-6"} ${h.flipped ? "ring-2 ring-red-900 ring-offset-1" : ""}`}
            />
          </li>
        ))}
      </ol>
      <p className="mt-1 flex justify-between text-[11px] text-slate-500">
        <span>{time(history[0]!.at)}</span>
        {history.length > 1 ? <span>{time(history.at(-1)!.at)}</span> : null}
      </p>
    </div>
  );
}

export function EvidenceView({ evidence }: { evidence: Record<string, unknown> }) {
  return (
    <details className="group mt-2">
      <summary className="cursor-pointer text-xs font-medium text-sky-700 hover:underline">Evidence</summary>
      <pre className="mt-1 max-h-72 overflow-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-[11px] leading-relaxed text-slate-800 ring-1 ring-slate-200 ring-inset" data-testid="evidence">
        {JSON.stringify(evidence, null, 2)}
      </pre>
    </details>
  );
}
