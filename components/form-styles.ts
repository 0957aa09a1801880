/**
 * Button and input class names for forms. A plain module (not "use client"), so Server Components can
 * use them too; components/form-controls.tsx re-exports them for client components.
 */
const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2";

export const buttonStyles = {
  primary: `inline-flex items-center justify-center gap-2 rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white shadow-xs hover:bg-slate-800 disabled:cursor-not-allowed disabled:opacity-60 ${focusRing} focus-visible:outline-sky-600`,
  secondary: `inline-flex items-center justify-center gap-2 rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60 ${focusRing} focus-visible:outline-sky-600`,
  danger: `inline-flex items-center justify-center gap-2 rounded-md bg-red-700 px-3 py-2 text-sm font-semibold text-white shadow-xs hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-60 ${focusRing} focus-visible:outline-red-600`,
  link: `rounded font-medium text-sky-700 underline decoration-sky-700/30 underline-offset-2 hover:decoration-sky-700 ${focusRing} focus-visible:outline-sky-600`,
} as const;

export const inputStyles =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-base text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-sky-600 focus:outline-none aria-[invalid=true]:ring-red-500 disabled:bg-slate-50 disabled:text-slate-500 read-only:bg-slate-50 sm:text-sm";
