import Link from "next/link";
import { UnknownIcon } from "@/components/icons";

/** 404 for /containers/<id>: not a container id, or no such container on the watched engines. */
export default function ContainerNotFound() {
  return (
    <div className="flex flex-col items-center rounded-xl border border-slate-200 bg-white px-6 py-14 text-center shadow-xs">
      <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-slate-100 text-slate-600 ring-1 ring-slate-200">
        <UnknownIcon className="size-5" />
      </div>
      <h1 className="text-xl font-semibold text-slate-900">No such container</h1>
      <p className="mt-2 max-w-md text-sm text-slate-600">
        No container with this id runs on the Docker engines this console watches. It may have been removed or re-created (compose gives a re-created container a new id).
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
