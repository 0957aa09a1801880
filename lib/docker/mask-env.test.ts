import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { parseContainerId } from "./container-id";
import { healthBudgetMs } from "./container-actions";
import { localEngineConfig, endpointOf, shortError } from "./engines";
import { splitImage } from "./list-containers";
import { MASK, envKeys, inspectSummary, maskUrlCredentials, redactArgv, redactCommandOutput } from "./mask-env";

describe("secrets stay on the server", () => {
  it("keeps environment key names only", () => {
    expect(envKeys(["B=2", "A=secret=with=equals", "EMPTY="])).toEqual(["A", "B", "EMPTY"]);
  });

  it("scrubs command lines, free text and URLs", () => {
    expect(redactArgv(["redis-server", "--requirepass", "hunter2", "--port", "6379", "--password=x", "DB_PASSWORD=y", "postgres://u:p@h/db"])).toEqual([
      "redis-server",
      "--requirepass",
      MASK,
      "--port",
      "6379",
      `--password=${MASK}`,
      `DB_PASSWORD=${MASK}`,
      `postgres://u:${MASK}@h/db`,
    ]);
    expect(redactCommandOutput('token: abc123 ok SECRET_KEY="x y" plain=1')).toBe(`token: ${MASK} ok SECRET_KEY=${MASK} plain=1`);
    expect(maskUrlCredentials("see redis://:pw@127.0.0.1:6379/0 and http://a@b")).toBe(`see redis://:${MASK}@127.0.0.1:6379/0 and http://a@b`);
  });

  it("builds an inspect summary with no environment value in it", () => {
    const info = {
      Id: "a".repeat(64),
      Name: "/posthog-web-1",
      Created: "2026-01-01T00:00:00Z",
      Image: "sha256:1",
      RestartCount: 2,
      Config: {
        Image: "posthog/posthog:1.2",
        Env: ["SECRET_KEY=very-secret-value", "SITE_URL=https://private.example"],
        Cmd: ["./bin/docker-server", "--token", "tok-123"],
        Labels: { "com.docker.compose.project": "posthog", "vendor.api_key": "k-1" },
        Healthcheck: { Test: ["CMD", "curl", "-f", "http://admin:pw1@localhost/_health"], Interval: 1e9 },
      },
      HostConfig: { NetworkMode: "host", RestartPolicy: { Name: "on-failure", MaximumRetryCount: 0 }, Memory: 1024 },
      State: {
        Status: "running",
        Running: true,
        Restarting: false,
        ExitCode: 0,
        OOMKilled: false,
        StartedAt: "2026-01-01T00:00:01Z",
        FinishedAt: "0001-01-01T00:00:00Z",
        Error: "",
        Health: { Status: "healthy", FailingStreak: 0, Log: [{ Start: "s", End: "e", ExitCode: 0, Output: "ok password=pw2" }] },
      },
      Mounts: [{ Type: "volume", Name: "posthog_data", Source: "/var/lib/docker/volumes/x", Destination: "/data", RW: true }],
      NetworkSettings: { Ports: {}, Networks: {} },
    } as unknown as Docker.ContainerInspectInfo;
    const summary = inspectSummary(info);
    const json = JSON.stringify(summary);
    for (const secret of ["very-secret-value", "private.example", "tok-123", "k-1", "pw1", "pw2"]) expect(json).not.toContain(secret);
    expect(summary.envKeys).toEqual(["SECRET_KEY", "SITE_URL"]);
    expect(summary.secretEnvKeys).toEqual(["SECRET_KEY"]);
    expect(summary.healthcheck).toMatchObject({ intervalMs: 1000 });
    expect(summary.state.finishedAt).toBeNull();
    expect(summary.mounts).toEqual([{ type: "volume", name: "posthog_data", source: "/var/lib/docker/volumes/x", destination: "/data", readOnly: false }]);
  });
});

describe("small docker helpers", () => {
  it("accepts only hex container ids", () => {
    expect(parseContainerId("0123456789ab")).toBe("0123456789ab");
    for (const bad of ["web", "0123456789a", "0123456789ab; rm -rf /", "../../etc", "A".repeat(12), 42]) {
      expect(() => parseContainerId(bad)).toThrow(/not a valid container id/);
    }
  });

  it("derives the healthy budget from the healthcheck", () => {
    const s = 1e9;
    expect(healthBudgetMs({ Test: ["CMD", "true"], Interval: s, Timeout: 5 * s, Retries: 3, StartPeriod: 60 * s })).toBe(60_000 + 6_000 * 4 + 2_000);
    expect(healthBudgetMs(undefined)).toBe(10_000);
  });

  it("splits image references", () => {
    expect(splitImage("postgres:15-alpine")).toEqual({ repo: "postgres", tag: "15-alpine" });
    expect(splitImage("registry:5000/team/app")).toEqual({ repo: "registry:5000/team/app", tag: "latest" });
    expect(splitImage("app@sha256:abc")).toEqual({ repo: "app", tag: "sha256:abc" });
  });

  it("reads DOCKER_HOST like the docker CLI", () => {
    expect(localEngineConfig(undefined)).toMatchObject({ kind: "socket", socketPath: "/var/run/docker.sock" });
    expect(localEngineConfig("unix:///run/d.sock")).toMatchObject({ kind: "socket", socketPath: "/run/d.sock" });
    expect(localEngineConfig("tcp://10.0.0.1:2376", { certPath: "/certs", verify: "1" })).toMatchObject({
      kind: "tcp",
      host: "10.0.0.1",
      port: 2376,
      tls: { caFile: "/certs/ca.pem", certFile: "/certs/cert.pem", keyFile: "/certs/key.pem" },
    });
    const ssh = localEngineConfig("ssh://ops@edge:2222");
    expect(endpointOf(ssh)).toBe("ssh://ops@edge:2222");
    expect(() => localEngineConfig("http://x")).toThrow(/DOCKER_HOST/);
    expect(shortError(new Error("connect to tcp://u:p@host failed\nmore"))).toBe("connect to tcp://host failed");
  });
});
