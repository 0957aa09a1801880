"use client";

/**
 * The signed-in user's menu in the console header: who I am and my role, my account (sessions,
 * recovery codes) and sign out. Closes on Escape (focus returns to the button) and outside clicks.
 */
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { Role } from "@/lib/auth/policy";
import { signOut } from "./account/actions";

const ROLE_NAMES: Record<Role, string> = { viewer: "Viewer", operator: "Operator", admin: "Admin", auditor: "Auditor" };

export function UserMenu({ email, role }: { email: string; role: Role }) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
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
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
        className="flex items-center gap-2 rounded-md py-1 pr-2 pl-1 text-sm text-slate-200 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400"
      >
        <span aria-hidden className="flex size-7 items-center justify-center rounded-full bg-sky-400/15 text-xs font-semibold text-sky-200 uppercase ring-1 ring-sky-400/30">
          {email.slice(0, 1)}
        </span>
        <span className="hidden max-w-[16rem] truncate sm:block">{email}</span>
        <span className="sr-only sm:hidden">Account menu for {email}</span>
        <span className="hidden rounded bg-white/10 px-1.5 py-0.5 text-xs text-slate-300 md:block">{ROLE_NAMES[role]}</span>
      </button>
      {open ? (
        <div id={panelId} className="absolute right-0 z-50 mt-2 w-64 rounded-lg bg-white py-1 text-slate-900 shadow-lg ring-1 ring-slate-900/10">
          <div className="border-b border-slate-100 px-4 py-3">
            <p className="truncate text-sm font-medium" title={email}>
              {email}
            </p>
            <p className="mt-0.5 text-xs text-slate-600">Role: {ROLE_NAMES[role]}</p>
          </div>
          <Link href="/account" onClick={() => setOpen(false)} className="block px-4 py-2 text-sm hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none">
            Account and sessions
          </Link>
          <form action={signOut}>
            <button type="submit" className="block w-full px-4 py-2 text-left text-sm hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none">
              Sign out
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
