import { describe, expect, it } from "vitest";
import { engineCheck, majorVersion, versionCheck } from "./compatibility";
import { databaseMapping } from "./preflight";
import type { Manifest } from "../backups/manifest";
import type { BackupTarget } from "../backups/engines/types";

describe("compatibility", () => {
  it("reads major versions the way each engine counts them", () => {
    expect(majorVersion("postgres", "15.4 (Debian 15.4-1.pgdg120+1)")).toEqual([15]);
    expect(majorVersion("postgres", "9.6.24")).toEqual([9, 6]);
    expect(majorVersion("clickhouse", "18.16.1")).toEqual([18]);
    expect(majorVersion("redis", "7.0.15")).toEqual([7]);
    expect(majorVersion("redis", null)).toBeNull();
  });

  it("refuses a dump from a newer major server version, with the reason", () => {
    expect(versionCheck("postgres", "16.1", "15.4")).toMatchObject({ result: "fail", detail: expect.stringMatching(/newer major version than the target's 15\.4/) });
    expect(versionCheck("postgres", "9.6.2", "9.5.1").result).toBe("fail");
    expect(versionCheck("postgres", "15.1", "15.4").result).toBe("ok");
    expect(versionCheck("postgres", "14.9", "15.4").result).toBe("warn");
    expect(versionCheck("redis", null, "7.0.0").result).toBe("warn");
  });

  it("refuses an engine mismatch, with the reason", () => {
    expect(engineCheck({ engine: "redis", service: "cache" }, "postgres", "db")).toMatchObject({ result: "fail", detail: expect.stringMatching(/This is a redis backup \(of cache\); db is a postgres service/) });
    expect(engineCheck({ engine: "postgres", service: "db" }, "postgres", "db").result).toBe("ok");
  });
});

describe("database mapping (Postgres)", () => {
  const manifest = (dbs: string[]) => ({ engine: "postgres", files: dbs.map((d) => ({ format: "postgres-custom", database: d })) }) as unknown as Manifest;
  const target = (database?: string) => ({ kind: "postgres", database }) as BackupTarget;

  it("restores the configured database when the dump has it, else every database but postgres, under its own name", () => {
    expect(databaseMapping(manifest(["postgres", "posthog"]), target("posthog"), { dropAndReplace: false }).mapping).toEqual([{ from: "posthog", into: "posthog" }]);
    expect(databaseMapping(manifest(["postgres", "a", "b"]), target(), { dropAndReplace: false }).mapping).toEqual([{ from: "a", into: "a" }, { from: "b", into: "b" }]);
  });

  it("maps a single database onto a differently named target (a mismatch the preflight flags)", () => {
    expect(databaseMapping(manifest(["postgres", "app"]), target("posthog"), { dropAndReplace: false }).mapping).toEqual([{ from: "app", into: "posthog" }]);
    expect(databaseMapping(manifest(["posthog"]), target(), { dropAndReplace: false, intoDatabase: "copy" }).mapping).toEqual([{ from: "posthog", into: "copy" }]);
    expect(databaseMapping(manifest(["a", "b"]), target(), { dropAndReplace: false, intoDatabase: "copy" }).problem).toMatch(/exactly one database/);
    expect(databaseMapping(manifest(["a"]), target(), { dropAndReplace: false, databases: ["zzz"] }).problem).toMatch(/no database zzz/);
  });
});
