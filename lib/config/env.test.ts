import { describe, expect, it } from "vitest";
import { ConfigError, parseBootEnv } from "./env";

function problems(source: Record<string, string | undefined>): string[] {
  try {
    parseBootEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseBootEnv", () => {
  it("defaults to the embedded database, port 3000 and ./.opsdeck", () => {
    const env = parseBootEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.OPSDECK_DATA_DIR).toBe("./.opsdeck");
    expect(env.OPSDECK_ROLE).toBe("all");
  });

  it("treats an empty DATABASE_URL as unset (embedded)", () => {
    expect(parseBootEnv({ DATABASE_URL: "  " }).DATABASE_URL).toBeUndefined();
  });

  it("names DATABASE_URL and the expected shape when it is malformed", () => {
    const [p, ...rest] = problems({ DATABASE_URL: "mysql://root@db/app" });
    expect(rest).toEqual([]);
    expect(p).toMatch(/^DATABASE_URL: expected a URL like postgresql:\/\/user:password@host:5432\/database/);
    expect(problems({ DATABASE_URL: "not a url" })[0]).toMatch(/^DATABASE_URL:/);
  });

  it("names PORT when it is not a port", () => {
    expect(problems({ PORT: "http" })[0]).toMatch(/^PORT: expected a TCP port number/);
    expect(problems({ PORT: "70000" })[0]).toMatch(/^PORT: expected a TCP port number between 1 and 65535/);
  });

  it("lists every problem at once", () => {
    expect(problems({ PORT: "x", OPSDECK_ROLE: "both", DATABASE_URL: "nope" })).toHaveLength(3);
  });

  it("refuses a well-known default or empty session secret in production", () => {
    expect(problems({ NODE_ENV: "production", NEXTAUTH_SECRET: "changeme" })[0]).toMatch(/NEXTAUTH_SECRET: is a well-known default/);
    expect(problems({ NODE_ENV: "production", NEXTAUTH_SECRET: "" })[0]).toMatch(/NEXTAUTH_SECRET: is set but empty/);
    expect(problems({ NODE_ENV: "production", NEXTAUTH_SECRET: "short-but-random-9f8" })[0]).toMatch(/too short/);
  });

  it("requires an explicit secret in production with an external database (replicas must share it)", () => {
    expect(problems({ NODE_ENV: "production", DATABASE_URL: "postgresql://u:p@db:5432/ops" })).toEqual([
      expect.stringMatching(/^NEXTAUTH_SECRET: required in production with an external DATABASE_URL/),
    ]);
    expect(
      problems({ NODE_ENV: "production", DATABASE_URL: "postgresql://u:p@db:5432/ops", NEXTAUTH_SECRET: "x".repeat(12) + "r4nd0m-enough-secret-value" }),
    ).toEqual([]);
  });

  it("lets a single-node production install generate its secret (none given, embedded database)", () => {
    expect(problems({ NODE_ENV: "production" })).toEqual([]);
  });
});
