/**
 * A status pill that never relies on colour alone: every state has an icon and a text label.
 * Works in Server and Client Components (no hooks).
 */
import { CheckCircleIcon, CriticalIcon, UnknownIcon, WarningIcon } from "./icons";

export type Status = "ok" | "warn" | "critical" | "unknown";

const STYLES: Record<Status, { defaultLabel: string; className: string; Icon: typeof CheckCircleIcon }> = {
  ok: {
    defaultLabel: "Healthy",
    className: "bg-emerald-50 text-emerald-800 ring-emerald-600/25",
    Icon: CheckCircleIcon,
  },
  warn: {
    defaultLabel: "Degraded",
    className: "bg-amber-50 text-amber-900 ring-amber-600/30",
    Icon: WarningIcon,
  },
  critical: {
    defaultLabel: "Down",
    className: "bg-red-50 text-red-800 ring-red-600/25",
    Icon: CriticalIcon,
  },
  unknown: {
    defaultLabel: "Unknown",
    className: "bg-slate-100 text-slate-700 ring-slate-500/25",
    Icon: UnknownIcon,
  },
};

export type StatusBadgeProps = {
  status: Status;
  /** Visible text; defaults to Healthy / Degraded / Down / Unknown. */
  label?: string;
  size?: "sm" | "md";
  className?: string;
};

export function StatusBadge({ status, label, size = "sm", className }: StatusBadgeProps) {
  const { defaultLabel, className: tone, Icon } = STYLES[status];
  const sizing = size === "md" ? "gap-1.5 px-2.5 py-1 text-sm" : "gap-1 px-2 py-0.5 text-xs";
  return (
    <span
      className={`inline-flex items-center rounded-full font-medium whitespace-nowrap ring-1 ring-inset ${sizing} ${tone} ${className ?? ""}`}
      data-status={status}
    >
      <Icon className={size === "md" ? "size-4" : "size-3.5"} />
      {label ?? defaultLabel}
    </span>
  );
}
