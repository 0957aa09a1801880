import type { ReactNode } from "react";

/** The white panel every sign-in and setup step is shown in, with the page's single h1. */
export function AuthCard({ title, description, children, footer }: { title: string; description?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white shadow-sm">
      <div className="px-5 pt-6 pb-6 sm:px-8 sm:pt-8">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <div className="mt-1.5 text-sm text-slate-600">{description}</div> : null}
        <div className="mt-6">{children}</div>
      </div>
      {footer ? <div className="rounded-b-xl border-t border-slate-200 bg-slate-50 px-5 py-3 text-sm text-slate-600 sm:px-8">{footer}</div> : null}
    </div>
  );
}
