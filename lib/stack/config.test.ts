import { readFile, mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StackConfigError, defaultStackConfig, engineConfigs, loadStackConfig, parseStackConfig, probeSpecs, resolveConnection } from "./config";

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseStackConfig(text, { file: "opsdeck.yaml", env });
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("stack config file", () => {
  it("without a file: the local engine, no services, no probes, default thresholds", async () => {
    const config = await loadStackConfig({ env: {} });
    expect(config.file).toBeNull();
    expect(config.probes).toEqual([]);
    expect(config.resolvedThresholds.cpuPercent.warn).toBe(80);
    expect(engineConfigs(config, {})).toEqual([{ id: "local", name: "This host", kind: "socket", socketPath: "/var/run/docker.sock" }]);
    expect(engineConfigs(defaultStackConfig(), { DOCKER_HOST: "unix:///tmp/d.sock" })[0]).toMatchObject({ socketPath: "/tmp/d.sock" });
  });

  it("a path that is set but missing is an error naming the file", async () => {
    await expect(loadStackConfig({ env: { OPSDECK_CONFIG: "/nonexistent/opsdeck.yaml" } })).rejects.toThrow(/nonexistent\/opsdeck.yaml[\s\S]*does not exist/);
  });

  it("names the path in the file, with line and column, for every problem", () => {
    const problems = problemsOf(
      [
        "version: 1",
        "services:",
        "  db:",
        "    kind: postgress",
        "probes:",
        "  - name: pg",
        "    type: postgres",
        "    service: db",
        "  - name: x",
        "    type: smtp",
        "thresholds:",
        "  cpuPercent: { warn: 95, critical: 90 }",
        "colour: blue",
      ].join("\n"),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.db\.kind: expected one of postgres, clickhouse, redis, mongodb, volume, app \(line 4, column 11\)$/),
        expect.stringMatching(/^probes\[1\]\.type: "type" must be one of http.* \(line 10, column 11\)$/),
        expect.stringMatching(/^\(top level\): unknown key "colour" \(line 13, column 9\)$/),
      ]),
    );
    // Cross-references are checked once the shapes are right.
    expect(problemsOf("services:\n  db: { kind: postgres, dependents: [web] }\nthresholds:\n  cpuPercent: { warn: 95, critical: 90 }\n")).toEqual([
      expect.stringMatching(/^services\.db\.dependents\[0\]: no service "web" in services \(line 2, column 38\)$/),
      expect.stringMatching(/^thresholds: cpuPercent: warn \(95\) must not be above critical \(90\)/),
    ]);
  });

  it("refuses credentials written inline and points to the *Env form", () => {
    const problems = problemsOf("services:\n  db:\n    kind: postgres\n    connection:\n      host: db\n      password: hunter2\n");
    expect(problems).toEqual([expect.stringMatching(/^services\.db\.connection\.password: credentials are never written in the config file; .*passwordEnv \(line 6/)]);
    expect(problems.join()).not.toContain("hunter2");
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problemsOf("services:\n  db: [unclosed\n")[0]).toMatch(/^YAML: .*\(line \d+, column \d+\)$/);
  });

  it("interpolates ${NAME} and ${NAME:-default}; a missing variable without default is a problem", () => {
    const config = parseStackConfig("probes:\n  - { name: t, type: tcp, host: '${H:-127.0.0.1}', port: '${P}' }\n", { env: { P: "6379" } });
    expect(config.probes[0]).toMatchObject({ host: "127.0.0.1", port: 6379 });
    expect(problemsOf("probes:\n  - { name: t, type: tcp, host: h, port: '${NOPE}' }\n")[0]).toMatch(/^probes\[0\]\.port: environment variable NOPE is not set/);
  });

  it("resolves connections with the secret from the named variable, and reports a missing one by name", () => {
    const config = parseStackConfig(
      [
        "services:",
        "  db: { kind: postgres, connection: { host: 127.0.0.1, port: 5433, user: posthog, database: posthog, passwordEnv: PG_PW } }",
        "  ch: { kind: clickhouse, connection: { port: 8124, passwordEnv: CH_PW, database: posthog } }",
        "probes:",
        "  - { name: pg, type: postgres, service: db }",
        "  - { name: ch, type: clickhouse, service: ch }",
      ].join("\n"),
      { env: {} },
    );
    expect(resolveConnection("db", config.services.db!, { PG_PW: "p@ss/word" }).url).toBe("postgresql://posthog:p%40ss%2Fword@127.0.0.1:5433/posthog");
    const { specs, problems } = probeSpecs(config, { CH_PW: "c" });
    expect(specs).toEqual([expect.objectContaining({ name: "ch", type: "clickhouse", url: "http://127.0.0.1:8124", username: "default", password: "c", database: "posthog" })]);
    expect(problems).toEqual([{ name: "pg", problem: "environment variable PG_PW (services.db.connection) is not set" }]);
  });

  it("accepts a service's optional backup block (port, host, binDir, path, databases) and refuses what does not fit", () => {
    const config = parseStackConfig(
      [
        "services:",
        "  db:",
        "    kind: postgres",
        "    connection: { port: 15432, passwordEnv: PG_PW }",
        "    backup: { port: 5432, host: 127.0.0.1, binDir: /usr/lib/postgresql/15/bin, databases: [posthog, posthog_persons] }",
        "  uploads: { kind: volume, volume: posthog_uploads, backup: { path: /data/uploads } }",
      ].join("\n"),
      { env: {} },
    );
    expect(config.services.db!.backup).toEqual({ port: 5432, host: "127.0.0.1", binDir: "/usr/lib/postgresql/15/bin", databases: ["posthog", "posthog_persons"] });
    expect(config.services.uploads!.backup).toEqual({ path: "/data/uploads" });
    expect(parseStackConfig("services:\n  db: { kind: postgres }\n", { env: {} }).services.db!.backup).toBeUndefined();
    expect(
      problemsOf(
        [
          "services:",
          "  db: { kind: postgres, backup: { binDir: usr/bin, databases: [\"a; rm -rf /\"], path: /x, retries: 3 } }",
          "  web: { kind: app, backup: { port: 80 } }",
          "  cache: { kind: redis, backup: { databases: [x] } }",
          "  files: { kind: volume, volume: v, backup: { path: /data/../etc } }",
        ].join("\n"),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.db\.backup\.binDir: expected an absolute path inside the container/),
        expect.stringMatching(/^services\.db\.backup\.databases\[0\]: expected a database name/),
        expect.stringMatching(/^services\.db\.backup: unknown key "retries"/),
        expect.stringMatching(/^services\.files\.backup\.path: a path inside the container may not contain \.\./),
      ]),
    );
    expect(problemsOf("services:\n  web: { kind: app, backup: { port: 80 } }\n  cache: { kind: redis, backup: { databases: [x] } }\n  db: { kind: postgres, backup: { path: /x } }\n")).toEqual([
      expect.stringMatching(/^services\.web\.backup: app services are not backed up/),
      expect.stringMatching(/^services\.cache\.backup\.databases: a redis service has no databases to choose/),
      expect.stringMatching(/^services\.db\.backup\.path: backup\.path is for volume services/),
    ]);
  });

  it("checks probes against their services", () => {
    const problems = problemsOf("services:\n  cache: { kind: redis }\nprobes:\n  - { name: a, type: postgres, service: cache }\n  - { name: b, type: redis }\n");
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^probes\[0\]\.service: service "cache" is kind redis, not postgres/),
        expect.stringMatching(/^probes\[1\]\.service: a redis probe names the service/),
      ]),
    );
  });

  it("parses the shipped opsdeck.example.yaml (PostHog hobby stack) with defaults only", async () => {
    const text = await readFile(path.join(process.cwd(), "opsdeck.example.yaml"), "utf8");
    const config = parseStackConfig(text, { env: {} });
    expect(Object.keys(config.services).sort()).toEqual(["clickhouse", "db", "redis", "web", "worker"]);
    expect(config.services.db).toMatchObject({ kind: "postgres", stateful: true, dependents: ["web", "worker"] });
    expect(config.probes.map((p) => p.type)).toEqual(["http", "http", "postgres", "clickhouse", "redis", "disk"]);
    const { specs, problems } = probeSpecs(config, { POSTHOG_PG_PASSWORD: "a", POSTHOG_CH_PASSWORD: "b", POSTHOG_REDIS_PASSWORD: "c" });
    expect(problems).toEqual([]);
    expect(specs.find((s) => s.type === "postgres")).toMatchObject({ url: "postgresql://posthog:a@127.0.0.1:5432/posthog" });
    expect(specs.find((s) => s.name === "PostHog web freshness")).toMatchObject({ url: "http://127.0.0.1:8000/health", json: { field: "last_sync", maxAgeMinutes: 10 } });
  });

  it("loads the file named by OPSDECK_CONFIG", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-config-"));
    try {
      const file = path.join(dir, "opsdeck.yaml");
      await writeFile(file, "engines:\n  - { id: a, socket: /run/a.sock }\n  - { id: b, name: Remote, tcp: { host: 10.1.1.1 } }\n");
      const config = await loadStackConfig({ env: { OPSDECK_CONFIG: file } });
      expect(config.file).toBe(file);
      expect(engineConfigs(config, {})).toEqual([
        { id: "a", name: "a", kind: "socket", socketPath: "/run/a.sock" },
        { id: "b", name: "Remote", kind: "tcp", host: "10.1.1.1", port: 2376, tls: undefined },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("privacy: an optional block per stack; checks name services of the file; the API key only by variable name", () => {
    const base = [
      "services:",
      "  clickhouse: { kind: clickhouse, connection: { host: 127.0.0.1, user: default, passwordEnv: CH_PW } }",
      "  web: { kind: app, project: posthog }",
      "  gateway: { kind: app }",
    ];
    const config = parseStackConfig(
      [
        ...base,
        "privacy:",
        "  stacks:",
        "    posthog:",
        "      posthog: { url: 'https://posthog.example.com/ph', apiKeyEnv: POSTHOG_PERSONAL_API_KEY }",
        "      clickhouse: { service: clickhouse, database: posthog }",
        "      deployment: [web]",
        "      forwarders: [gateway]",
      ].join("\n"),
      { env: {} },
    );
    expect(config.privacy).toEqual({
      schedule: "45 5 * * *",
      stacks: {
        posthog: {
          posthog: { url: "https://posthog.example.com/ph", apiKeyEnv: "POSTHOG_PERSONAL_API_KEY", projectId: "@current" },
          clickhouse: { service: "clickhouse", database: "posthog", table: "events" },
          windowHours: 24,
          deployment: ["web"],
          forwarders: ["gateway"],
        },
      },
    });
    expect(parseStackConfig("version: 1\n", { env: {} }).privacy).toBeUndefined();
    const problems = problemsOf(
      [
        ...base,
        "privacy:",
        "  schedule: daily",
        "  stacks:",
        "    posthog:",
        "      posthog: { url: 'https://posthog.example.com', apiKeyEnv: PH_KEY, apiKey: phx_inline_secret }",
        "      clickhouse: { service: web }",
        "      deployment: [nope]",
      ].join("\n"),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^privacy\.schedule: expected a 5-field cron expression/),
        expect.stringMatching(/^privacy\.stacks\.posthog\.posthog\.apiKey: credentials are never written in the config file/),
      ]),
    );
    expect(problems.join()).not.toContain("phx_inline_secret");
    // Cross-references once the shapes are right.
    expect(problemsOf([...base, "privacy:", "  stacks:", "    posthog:", "      clickhouse: { service: web }", "      deployment: [nope]"].join("\n"))).toEqual([
      expect.stringMatching(/^privacy\.stacks\.posthog\.deployment\[0\]: no service "nope" in services/),
      expect.stringMatching(/^privacy\.stacks\.posthog\.clickhouse\.service: service "web" must be a clickhouse service with a connection/),
    ]);
  });
});
