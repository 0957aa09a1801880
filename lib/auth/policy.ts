/**
 * Roles × permissions, exactly the design's role table. Every action and page asks `can()`;
 * nothing else decides who may do what.
 */
export const ROLES = ["viewer", "operator", "admin", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  "health.view": ["viewer", "operator", "admin"],
  "containers.view": ["viewer", "operator", "admin"],
  "logs.view": ["viewer", "operator", "admin"],
  "containers.control": ["operator", "admin"],
  "backups.view": ["viewer", "operator", "admin", "auditor"],
  "backups.run": ["operator", "admin"],
  "backups.manage": ["admin"], // download, delete, schedules, retention
  "restores.run": ["admin"],
  "privacy.view": ["viewer", "operator", "admin", "auditor"],
  "privacy.run": ["operator", "admin"],
  "audit.view": ["admin", "auditor"],
  "audit.export": ["admin", "auditor"],
  "audit.verify": ["admin", "auditor"],
  "users.manage": ["admin"], // users, roles, settings
  "settings.manage": ["admin"],
  /** Every signed-in user: own sessions, own MFA, sign-out. */
  "self.manage": ["viewer", "operator", "admin", "auditor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export const ROLE_LABELS: Record<Role, { label: string; description: string }> = {
  viewer: { label: "Viewer", description: "On-call: sees health, containers, logs, backup history and privacy results" },
  operator: { label: "Operator", description: "Viewer, plus restarts containers, runs backups and privacy checks" },
  admin: { label: "Admin", description: "Everything: restores, backup management, users, settings, audit" },
  auditor: { label: "Auditor", description: "Compliance: audit log (view, export, verify), backup history, privacy results" },
};
