import Link from "next/link";
import type { ReactNode } from "react";
import { LogoIcon } from "@/components/icons";
import { MobileNav } from "@/components/mobile-nav";
import { NavLinks } from "@/components/nav-links";
import { openBreakGlassWindows } from "@/lib/auth/break-glass/break-glass";
import { consoleSectionsFor } from "@/lib/auth/console-nav";
import { requireActor } from "@/lib/auth/require-actor";
import { OPSDECK_VERSION } from "@/lib/version";
import { UserMenu } from "./user-menu";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Signed-in area: anonymous visitors go to the sign-in page. (Each page and action still checks for itself.)
  const actor = await requireActor();
  const visibleHrefs = consoleSectionsFor(actor.role).map((s) => s.href);
  // Every admin sees it while any break-glass window is open (opened from the CLI; lib/auth/break-glass/).
  const breakGlass = actor.role === "admin" ? await openBreakGlassWindows() : [];
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-900 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:outline-2 focus:outline-sky-500"
      >
        Skip to content
      </a>

      <header className="sticky top-0 z-40 border-b border-white/10 bg-slate-950 text-white">
        <div className="relative flex h-14 items-center gap-3 px-4 lg:px-5">
          <MobileNav visibleHrefs={visibleHrefs} />
          <Link
            href="/dashboard"
            className="flex items-center gap-2 rounded-md font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400"
          >
            <LogoIcon className="size-5 text-sky-400" />
            <span>Opsdeck</span>
          </Link>
          <span aria-hidden className="hidden h-5 w-px bg-white/15 sm:block" />
          <span className="hidden text-sm text-slate-400 sm:block">Console</span>
          <div className="ml-auto flex items-center gap-2" data-slot="user-menu">
            <UserMenu email={actor.email} role={actor.role} />
          </div>
        </div>
      </header>

      {breakGlass.length > 0 ? (
        <div role="alert" data-testid="break-glass-banner" className="bg-red-700 px-4 py-2 text-sm text-white lg:px-5">
          <span className="font-semibold">Break-glass access is open</span> for{" "}
          {breakGlass.map((w) => `${w.email} until ${w.until.toISOString().slice(0, 16).replace("T", " ")} UTC`).join(", ")}. Every use is audited. Close it on the
          server:{" "}
          <code className="font-mono text-xs whitespace-nowrap">
            npm run opsdeck -- break-glass disable --email {breakGlass.length === 1 ? breakGlass[0]!.email : "…"}
          </code>
        </div>
      ) : null}

      <div className="flex flex-1">
        <aside className="hidden w-56 shrink-0 flex-col border-r border-white/10 bg-slate-950 lg:sticky lg:top-14 lg:flex lg:h-[calc(100dvh-3.5rem)]">
          <nav aria-label="Console" className="flex-1 overflow-y-auto px-3 py-4">
            <NavLinks visibleHrefs={visibleHrefs} />
          </nav>
          <p className="border-t border-white/10 px-5 py-3 text-xs text-slate-400">Opsdeck v{OPSDECK_VERSION}</p>
        </aside>

        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-6 lg:px-10 lg:py-8">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
