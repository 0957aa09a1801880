import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES, type Permission, type Role } from "./policy";

// The design's role table, written out independently of policy.ts so a drift in either fails.
const TABLE: Record<string, Role[]> = {
  "health.view": ["viewer", "operator", "admin"],
  "containers.view": ["viewer", "operator", "admin"],
  "logs.view": ["viewer", "operator", "admin"],
  "containers.control": ["operator", "admin"],
  "backups.view": ["viewer", "operator", "admin", "auditor"],
  "backups.run": ["operator", "admin"],
  "backups.manage": ["admin"],
  "restores.run": ["admin"],
  "privacy.view": ["viewer", "operator", "admin", "auditor"],
  "privacy.run": ["operator", "admin"],
  "audit.view": ["admin", "auditor"],
  "audit.export": ["admin", "auditor"],
  "audit.verify": ["admin", "auditor"],
  "users.manage": ["admin"],
  "settings.manage": ["admin"],
  "self.manage": ["viewer", "operator", "admin", "auditor"],
};

describe("policy", () => {
  it("covers exactly the permissions of the role table", () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(TABLE).sort());
  });
  for (const [permission, allowed] of Object.entries(TABLE)) {
    for (const role of ROLES) {
      it(`${role} ${allowed.includes(role) ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission as Permission)).toBe(allowed.includes(role));
      });
    }
  }
  it("denies everything without a role", () => {
    expect(can(null, "health.view")).toBe(false);
    expect(can(undefined, "self.manage")).toBe(false);
  });
});
