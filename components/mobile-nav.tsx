"use client";

/**
 * Phone/tablet navigation (hidden from lg up, where the sidebar shows): a menu button in the
 * console header that opens the same NavLinks in a panel under the header.
 * Closes on link click, Escape (focus returns to the button) and a click on the backdrop.
 */
import { useEffect, useId, useRef, useState } from "react";
import { CloseIcon, MenuIcon } from "./icons";
import { NavLinks } from "./nav-links";

export function MobileNav({ visibleHrefs }: { visibleHrefs?: readonly string[] }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="lg:hidden">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="-ml-1.5 flex size-9 items-center justify-center rounded-md text-slate-300 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400"
      >
        {open ? <CloseIcon className="size-5" /> : <MenuIcon className="size-5" />}
        <span className="sr-only">{open ? "Close navigation" : "Open navigation"}</span>
      </button>
      {open ? (
        <>
          <div
            aria-hidden
            className="fixed inset-x-0 top-14 bottom-0 z-30 bg-slate-950/50"
            onClick={() => setOpen(false)}
          />
          <nav
            id={panelId}
            aria-label="Console"
            className="absolute inset-x-0 top-14 z-40 border-b border-white/10 bg-slate-950 px-3 pt-2 pb-4 shadow-lg"
          >
            <NavLinks onNavigate={() => setOpen(false)} visibleHrefs={visibleHrefs} />
          </nav>
        </>
      ) : null}
    </div>
  );
}
