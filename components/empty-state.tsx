import type { ComponentType, ReactNode } from "react";
import type { IconProps } from "./icons";

export type EmptyStateProps = {
  /** An icon component from components/icons (rendered decoratively). */
  icon?: ComponentType<IconProps>;
  /** Short statement of what is empty, e.g. "No backups configured yet". */
  title: string;
  /** Why it is empty and what will fill it. */
  description?: ReactNode;
  /** Optional follow-up content (links, a list of what is coming). */
  children?: ReactNode;
  className?: string;
};

export function EmptyState({ icon: IconComponent, title, description, children, className }: EmptyStateProps) {
  return (
    <div
      className={`flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center ${className ?? ""}`}
    >
      {IconComponent ? (
        <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-slate-100 text-slate-500">
          <IconComponent className="size-5" />
        </div>
      ) : null}
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {description ? <p className="mt-1.5 max-w-md text-sm text-slate-600">{description}</p> : null}
      {children ? <div className="mt-5 w-full max-w-md text-left text-sm text-slate-600">{children}</div> : null}
    </div>
  );
}

/** "What will appear here" list, for EmptyState children on pages whose feature is not built yet. */
export function PlannedList({ heading = "What will appear here", items }: { heading?: string; items: readonly string[] }) {
  return (
    <div className="rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-slate-200 ring-inset">
      <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{heading}</p>
      <ul className="mt-2 space-y-1.5">
        {items.map((item) => (
          <li key={item} className="flex gap-2 text-sm text-slate-700">
            <span aria-hidden className="mt-2 size-1.5 shrink-0 rounded-full bg-slate-400" />
            <span>{item}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
