import { useId, type ReactNode } from "react";

export type CardProps = {
  /** Heading text; when given, the card is a labelled <section>. */
  title?: string;
  /** Heading level for the title (default h2: cards sit under the page's h1). */
  headingLevel?: 2 | 3;
  /** One line under the title. */
  description?: ReactNode;
  /** Content at the right of the header (a badge, a button). */
  actions?: ReactNode;
  /** Content below the body, separated by a rule (timestamps, links). */
  footer?: ReactNode;
  children?: ReactNode;
  className?: string;
};

export function Card({ title, headingLevel = 2, description, actions, footer, children, className }: CardProps) {
  const headingId = useId();
  const Heading = headingLevel === 3 ? "h3" : "h2";
  const hasHeader = Boolean(title || description || actions);
  return (
    <section
      aria-labelledby={title ? headingId : undefined}
      className={`flex flex-col rounded-xl border border-slate-200 bg-white shadow-xs ${className ?? ""}`}
    >
      {hasHeader ? (
        <div className="flex items-start justify-between gap-3 px-5 pt-4">
          <div className="min-w-0">
            {title ? (
              <Heading id={headingId} className="text-sm font-semibold text-slate-900">
                {title}
              </Heading>
            ) : null}
            {description ? <p className="mt-0.5 text-sm text-slate-600">{description}</p> : null}
          </div>
          {actions ? <div className="shrink-0">{actions}</div> : null}
        </div>
      ) : null}
      <div className="flex-1 px-5 py-4">{children}</div>
      {footer ? (
        <div className="border-t border-slate-100 px-5 py-2.5 text-xs text-slate-600">{footer}</div>
      ) : null}
    </section>
  );
}
