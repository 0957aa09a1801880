/**
 * Button and input classes for the audit pages' server components. components/form-controls.tsx has
 * the same styles but is a client module, whose exports server components cannot read; these mirror
 * it (move both to one server-safe module when the shared components settle).
 */
const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600";

export const styles = {
  primaryButton: `inline-flex items-center justify-center gap-2 rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white shadow-xs hover:bg-slate-800 ${focusRing}`,
  secondaryButton: `inline-flex items-center justify-center gap-2 rounded-md bg-white px-3 py-2 text-sm font-medium whitespace-nowrap text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset hover:bg-slate-50 ${focusRing}`,
  input:
    "block w-full rounded-md border-0 bg-white px-3 py-2 text-base text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-sky-600 focus:outline-none aria-[invalid=true]:ring-red-500 sm:text-sm",
} as const;
