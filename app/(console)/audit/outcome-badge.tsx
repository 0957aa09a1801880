import { StatusBadge, type Status } from "@/components/status-badge";

const OUTCOMES: Record<string, { status: Status; label: string }> = {
  succeeded: { status: "ok", label: "Succeeded" },
  failed: { status: "critical", label: "Failed" },
  denied: { status: "warn", label: "Denied" },
  started: { status: "unknown", label: "Started" },
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const o = OUTCOMES[outcome] ?? { status: "unknown" as const, label: outcome };
  return <StatusBadge status={o.status} label={o.label} />;
}

/**
 * Who acted: the email as it was at the time; "Not signed in" for an anonymous request (it has an IP);
 * "System" for the console's own jobs (no request at all).
 */
export function ActorLabel({ email, role, ip, compact }: { email: string | null; role: string | null; ip: string | null; compact?: boolean }) {
  if (!email) return <span className="text-slate-500 italic">{ip ? "Not signed in" : "System"}</span>;
  if (compact) {
    return (
      <span className="block min-w-0">
        <span className="block truncate text-slate-900" title={email}>
          {email}
        </span>
        {role ? <span className="block text-xs text-slate-500">{role}</span> : null}
      </span>
    );
  }
  return (
    <span className="min-w-0">
      <span className="break-all text-slate-900">{email}</span>
      {role ? <span className="ml-1 text-xs text-slate-500">{role}</span> : null}
    </span>
  );
}

/** "2026-11-25 14:03:07" in UTC: seconds matter in an audit log. */
export function utcTime(iso: string): string {
  return iso.slice(0, 19).replace("T", " ");
}
