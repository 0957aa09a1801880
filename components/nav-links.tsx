"use client";

/**
 * The console's primary navigation list. Highlights the current section (exact path or any
 * sub-path) and marks it with aria-current="page". Styled for the dark sidebar / mobile panel.
 */
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType } from "react";
import { AdminIcon, AuditIcon, BackupIcon, DashboardIcon, PrivacyIcon, RestoreIcon, type IconProps } from "./icons";

export type NavItem = { href: string; label: string; icon: ComponentType<IconProps> };

/** Which sections a role sees is decided on the server (lib/auth/console-nav.ts); this only renders them. */

export const CONSOLE_NAV: readonly NavItem[] = [
  { href: "/dashboard", label: "Dashboard", icon: DashboardIcon },
  { href: "/backups", label: "Backups", icon: BackupIcon },
  { href: "/restores", label: "Restores", icon: RestoreIcon },
  { href: "/audit", label: "Audit", icon: AuditIcon },
  { href: "/privacy", label: "Privacy", icon: PrivacyIcon },
  { href: "/admin", label: "Admin", icon: AdminIcon },
];

export function isActivePath(pathname: string | null, href: string): boolean {
  if (!pathname) return false;
  return pathname === href || pathname.startsWith(`${href}/`);
}

export type NavLinksProps = {
  /** Called after a link is followed (the mobile menu uses it to close itself). */
  onNavigate?: () => void;
  items?: readonly NavItem[];
  /** Hrefs the signed-in role may open; other sections are not shown. */
  visibleHrefs?: readonly string[];
};

export function NavLinks({ onNavigate, items = CONSOLE_NAV, visibleHrefs }: NavLinksProps) {
  const pathname = usePathname();
  const shown = visibleHrefs ? items.filter((i) => visibleHrefs.includes(i.href)) : items;
  return (
    <ul className="flex flex-col gap-0.5">
      {shown.map(({ href, label, icon: ItemIcon }) => {
        const active = isActivePath(pathname, href);
        return (
          <li key={href}>
            <Link
              href={href}
              onClick={onNavigate}
              aria-current={active ? "page" : undefined}
              className={`group relative flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400 ${
                active ? "bg-white/10 text-white" : "text-slate-300 hover:bg-white/5 hover:text-white"
              }`}
            >
              {active ? (
                <span aria-hidden className="absolute inset-y-1.5 left-0 w-0.5 rounded-full bg-sky-400" />
              ) : null}
              <ItemIcon
                className={`size-4 shrink-0 ${active ? "text-sky-300" : "text-slate-400 group-hover:text-slate-200"}`}
              />
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
