import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

describe("safeNextPath (no open redirect after sign-in)", () => {
  it("keeps paths on this site", () => {
    expect(safeNextPath("/admin/users")).toBe("/admin/users");
    expect(safeNextPath("/audit?action=user.create")).toBe("/audit?action=user.create");
  });
  it("falls back to the dashboard for anything else", () => {
    for (const bad of [undefined, null, "", "https://evil.example", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "dashboard", "/sign-in", "/sign-in/mfa", "/setup/abc", "/x\u0000y", ["/a"]])
      expect(safeNextPath(bad)).toBe("/dashboard");
  });
});
