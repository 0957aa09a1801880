import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { can, ROLES } from "../auth/policy";
import { isActionDefinition } from "./define-action";
import { ACTION_REGISTRY } from "./registry";

const LIB = path.resolve(import.meta.dirname, "..");

function definingFiles(): string[] {
  return (readdirSync(LIB, { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.ts$/.test(f) && !f.includes("generated"))
    .filter((f) => readFileSync(path.join(LIB, f), "utf8").includes("defineAction("))
    .filter((f) => !f.startsWith(`actions${path.sep}`));
}

describe("action registry", () => {
  it("lists every defineAction in lib/ (a new action must be added to it)", async () => {
    const registered = new Set(ACTION_REGISTRY.map((entry) => entry.definition));
    const missing: string[] = [];
    for (const file of definingFiles()) {
      const mod = (await import(path.join(LIB, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) if (isActionDefinition(value) && !registered.has(value)) missing.push(`${file}: ${name} (${value.action})`);
    }
    expect(missing).toEqual([]);
  });

  it("has one entry per action name", () => {
    const names = ACTION_REGISTRY.map((entry) => entry.definition.action);
    expect(new Set(names).size).toBe(names.length);
  });

  it("agrees with the policy: each action's permission allows exactly the roles the role table names", () => {
    for (const { definition, allowed } of ACTION_REGISTRY) {
      if (allowed === "public") {
        expect(definition.permission, definition.action).toBe("public");
        continue;
      }
      expect(definition.permission, definition.action).not.toBe("public");
      for (const role of ROLES) expect(can(role, definition.permission as Exclude<typeof definition.permission, "public">), `${definition.action} × ${role}`).toBe(allowed.includes(role));
    }
  });
});
