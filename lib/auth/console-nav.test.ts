import { describe, expect, it } from "vitest";
import { consoleSectionsFor, homeFor } from "./console-nav";

describe("console navigation by role", () => {
  it("shows each role only the sections the role table allows", () => {
    expect(consoleSectionsFor("viewer").map((s) => s.href)).toEqual(["/dashboard", "/backups", "/privacy"]);
    expect(consoleSectionsFor("operator").map((s) => s.href)).toEqual(["/dashboard", "/backups", "/privacy"]);
    expect(consoleSectionsFor("admin").map((s) => s.href)).toEqual(["/dashboard", "/backups", "/restores", "/audit", "/privacy", "/admin"]);
    expect(consoleSectionsFor("auditor").map((s) => s.href)).toEqual(["/backups", "/audit", "/privacy"]);
  });
  it("lands every role on a page it may open", () => {
    for (const role of ["viewer", "operator", "admin", "auditor"] as const)
      expect(consoleSectionsFor(role).map((s) => s.href)).toContain(homeFor(role));
    expect(homeFor("auditor")).toBe("/audit");
    expect(homeFor("viewer")).toBe("/dashboard");
  });
});
