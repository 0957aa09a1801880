/**
 * The console's sections and the permission each needs: the sidebar shows a role only what it may
 * open, and the first one is where a role lands after sign-in. (Each page still checks for itself.)
 */
import { can, type Permission, type Role } from "./policy";

export const CONSOLE_SECTIONS: readonly { href: string; permission: Permission }[] = [
  { href: "/dashboard", permission: "health.view" },
  { href: "/backups", permission: "backups.view" },
  { href: "/restores", permission: "restores.run" },
  { href: "/audit", permission: "audit.view" },
  { href: "/privacy", permission: "privacy.view" },
  { href: "/admin", permission: "users.manage" },
];

export function consoleSectionsFor(role: Role) {
  return CONSOLE_SECTIONS.filter((s) => can(role, s.permission));
}

/** Where a role starts: the dashboard for on-call roles, the audit log for auditors. */
const HOME: Record<Role, string> = { viewer: "/dashboard", operator: "/dashboard", admin: "/dashboard", auditor: "/audit" };

export function homeFor(role: Role): string {
  return HOME[role];
}
