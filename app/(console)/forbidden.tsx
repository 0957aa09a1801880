import Link from "next/link";
import { LockIcon } from "@/components/icons";

/** Shown (HTTP 403) when a signed-in user opens a page their role does not include. */
export default function Forbidden() {
  return (
    <div className="flex flex-col items-center rounded-xl border border-slate-200 bg-white px-6 py-14 text-center shadow-xs">
      <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-amber-50 text-amber-700 ring-1 ring-amber-200">
        <LockIcon className="size-5" />
      </div>
      <h1 className="text-xl font-semibold text-slate-900">You do not have access to this page</h1>
      <p className="mt-2 max-w-md text-sm text-slate-600">
        Your role does not include it. If you need it for your work, ask an admin of this console to change your role. The attempt was recorded in the audit log.
      </p>
      <Link
        href="/dashboard"
        className="mt-6 rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        Back to the dashboard
      </Link>
    </div>
  );
}
