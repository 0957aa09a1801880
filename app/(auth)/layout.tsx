import Link from "next/link";
import type { ReactNode } from "react";
import { LogoIcon } from "@/components/icons";

/** Sign-in, MFA and setup pages: a narrow, centred column under the Opsdeck bar. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-slate-100">
      <header className="bg-slate-950 text-white">
        <div className="mx-auto flex h-14 max-w-6xl items-center px-5 sm:px-8">
          <Link
            href="/"
            className="flex items-center gap-2 rounded-md font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400"
          >
            <LogoIcon className="size-5 text-sky-400" />
            Opsdeck
          </Link>
        </div>
      </header>
      <main id="main" className="flex flex-1 justify-center px-4 py-8 sm:items-start sm:py-16">
        <div className="w-full max-w-md">{children}</div>
      </main>
    </div>
  );
}
