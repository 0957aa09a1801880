/**
 * The PostHog API client and checks 1–3 (API side) against a local HTTP stand-in
 * (lib/privacy/testing/posthog-standin.ts): no PostHog server can run here, so the stand-in implements
 * the documented endpoints and response shapes (sources cited in its header), including 401, 429 with
 * Retry-After, paginated hog functions (`next` URLs) and a self-hosted path prefix.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultStackConfig, type PrivacyStackConfig } from "../stack/config";
import type { CheckContext } from "./checks/context";
import { checkAnonymizeIps, checkGeoipDisabled } from "./checks/posthog-settings";
import { checkRecentEvents, recentEventsOutcome } from "./checks/recent-events";
import { PosthogApiError, PosthogClient, retryAfterMs } from "./posthog-client";
import { startPosthogStandin, type PosthogStandin } from "./testing/posthog-standin";

let standin: PosthogStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const noSleep: number[] = [];
const client = (s: PosthogStandin, extra: Partial<ConstructorParameters<typeof PosthogClient>[0]> = {}) =>
  new PosthogClient({ baseUrl: s.url, apiKey: s.state.apiKey, apiKeyEnv: "POSTHOG_PERSONAL_API_KEY", sleep: async (ms) => void noSleep.push(ms), ...extra });

function ctxFor(s: PosthogStandin, stack: Partial<PrivacyStackConfig> = {}): CheckContext {
  return {
    stackKey: "posthog",
    stack: { posthog: { url: s.url, apiKeyEnv: "PH_KEY", projectId: "@current" }, windowHours: 24, ...stack },
    config: defaultStackConfig(),
    env: { PH_KEY: s.state.apiKey },
    docker: () => {
      throw new Error("no docker in this test");
    },
  };
}

describe("PostHog API client", () => {
  it("reads project settings through a self-hosted path prefix and keeps only the fields it needs (no api_token, no secret_api_token)", async () => {
    standin = await startPosthogStandin({ prefix: "/posthog" });
    const settings = await client(standin).projectSettings();
    expect(settings).toEqual({ id: 2, project_id: 1, name: "Default project", anonymize_ips: true });
    expect(JSON.stringify(settings)).not.toContain(standin.state.apiToken);
    expect(JSON.stringify(settings)).not.toContain(standin.state.secretApiToken);
    expect(standin.requests[0]).toMatchObject({ method: "GET", path: "/posthog/api/environments/@current/", authorization: `Bearer ${standin.state.apiKey}` });
  });

  it("falls back to /api/projects/ on a PostHog without environments", async () => {
    standin = await startPosthogStandin({ state: { noEnvironments: true } });
    expect((await client(standin).projectSettings()).id).toBe(2);
    expect(standin.requests.map((r) => r.path)).toEqual(["/api/environments/@current/", "/api/projects/@current/"]);
  });

  it("says the key is refused on 401, naming the variable but not the key", async () => {
    standin = await startPosthogStandin();
    const error = await client(standin, { apiKey: "phx_wrong_key_123456" })
      .projectSettings()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosthogApiError);
    expect((error as PosthogApiError).kind).toBe("auth");
    expect((error as Error).message).toMatch(/PostHog refused the API key in POSTHOG_PERSONAL_API_KEY \(401/);
    expect((error as Error).message).not.toContain("phx_wrong_key_123456");
  });

  it("backs off on 429 for Retry-After, then succeeds; gives up after the retries", async () => {
    standin = await startPosthogStandin({ state: { rateLimitNext: 2, retryAfter: "3" } });
    noSleep.length = 0;
    expect((await client(standin).projectSettings()).anonymize_ips).toBe(true);
    expect(noSleep).toEqual([3000, 3000]);
    standin.state.rateLimitNext = 10;
    await expect(client(standin, { maxRetries: 2 }).projectSettings()).rejects.toThrow(/kept rate-limiting .* \(429 after 3 attempts\)/);
    expect(retryAfterMs(null, 2, 30_000)).toBe(4000);
    expect(retryAfterMs("120", 0, 30_000)).toBe(30_000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), 0, 30_000)).toBeGreaterThan(3000);
  });

  it("times out a request that does not answer", async () => {
    standin = await startPosthogStandin({ state: { delayMs: 2000 } });
    await expect(client(standin, { timeoutMs: 200 }).projectSettings()).rejects.toThrow(/did not answer GET \/api\/environments\/@current\/ within 0.2 s/);
  });

  it("follows `next` pages of hog functions, and never to another host", async () => {
    standin = await startPosthogStandin({
      state: {
        pageSize: 2,
        hogFunctions: [
          { id: "f1", name: "Filter bots", enabled: true, template_id: "template-bot-filter" },
          { id: "f2", name: "URL masking", enabled: true, template_id: "template-url-masking" },
          { id: "f3", name: "GeoIP", enabled: false, template_id: "template-geoip" },
          { id: "f4", name: "Legacy GeoIP", enabled: false, template: { id: "plugin-posthog-plugin-geoip" } },
          { id: "f5", name: "Other", enabled: false, template_id: "template-x" },
        ],
      },
    });
    const functions = await client(standin).hogFunctions(2);
    expect(functions.map((f) => [f.id, f.templateId])).toEqual([
      ["f1", "template-bot-filter"],
      ["f2", "template-url-masking"],
      ["f3", "template-geoip"],
      ["f4", "plugin-posthog-plugin-geoip"],
      ["f5", "template-x"],
    ]);
    expect(standin.requests.map((r) => r.path)).toEqual([
      "/api/environments/2/hog_functions/?type=transformation",
      "/api/environments/2/hog_functions/?type=transformation&limit=2&offset=2",
      "/api/environments/2/hog_functions/?type=transformation&limit=2&offset=4",
    ]);
    const evil = new PosthogClient({
      baseUrl: standin.url,
      apiKey: standin.state.apiKey,
      fetch: async () => Response.json({ next: "http://evil.example/api/x", results: [] }),
    });
    await expect(evil.hogFunctions(2)).rejects.toThrow(/pointed to another host \(evil.example\); the key is not sent there/);
  });

  it("rejects an answer of the wrong shape", async () => {
    const c = new PosthogClient({ baseUrl: "http://127.0.0.1:1", apiKey: "k", fetch: async () => Response.json({ id: 1 }) });
    await expect(c.projectSettings()).rejects.toThrow(/project settings does not have the expected shape \(anonymize_ips/);
  });
});

describe("checks against the PostHog API", () => {
  it("anonymize_ips: pass when on, fail when off; the evidence carries no token", async () => {
    standin = await startPosthogStandin();
    const pass = await checkAnonymizeIps(ctxFor(standin));
    expect(pass).toMatchObject({ status: "pass", evidence: { anonymize_ips: true, environmentId: 2 } });
    standin.state.anonymizeIps = false;
    const fail = await checkAnonymizeIps(ctxFor(standin));
    expect(fail.status).toBe("fail");
    expect(fail.summary).toMatch(/anonymize_ips: false/);
    for (const o of [pass, fail]) {
      expect(JSON.stringify(o)).not.toContain(standin.state.apiToken);
      expect(JSON.stringify(o)).not.toContain(standin.state.secretApiToken);
      expect(JSON.stringify(o)).not.toContain(standin.state.apiKey);
    }
  });

  it("geoip: fails for any enabled GeoIP template (current or legacy ids), over several pages", async () => {
    standin = await startPosthogStandin({
      state: {
        pageSize: 1,
        hogFunctions: [
          { id: "a", name: "Bot filter", enabled: true, template_id: "template-bot-filter" },
          { id: "b", name: "GeoIP", enabled: false, template_id: "template-geoip" },
          { id: "c", name: "Advanced GeoIP", enabled: true, template: { id: "plugin-plugin-advanced-geoip" } },
        ],
      },
    });
    const fail = await checkGeoipDisabled(ctxFor(standin));
    expect(fail.status).toBe("fail");
    expect(fail.summary).toBe("1 GeoIP transformation is enabled (Advanced GeoIP).");
    standin.state.hogFunctions[2]!.enabled = false;
    const pass = await checkGeoipDisabled(ctxFor(standin));
    expect(pass).toMatchObject({ status: "pass", evidence: { transformations: 3 } });
    expect(pass.summary).toMatch(/No GeoIP transformation is enabled \(3 transformations checked, 2 GeoIP disabled\)/);
  });

  it("recent events through HogQL: counts and sample uuids; a bad key is an error saying so", async () => {
    standin = await startPosthogStandin({ state: { events: { total: 40, withIp: 3, withGeoip: 1, withoutGeoipDisable: 4, sampleUuids: ["0190e2b4-0000-7000-8000-0000000000a1", "0190e2b4-0000-7000-8000-0000000000a2"] } } });
    const fail = await checkRecentEvents(ctxFor(standin));
    expect(fail.status).toBe("fail");
    expect(fail.evidence).toEqual({
      windowHours: 24,
      sources: [{ source: "hogql", total: 40, withIp: 3, withGeoip: 1, withoutGeoipDisable: 4, sampleEventUuids: ["0190e2b4-0000-7000-8000-0000000000a1", "0190e2b4-0000-7000-8000-0000000000a2"] }],
    });
    const query = standin.requests.find((r) => r.method === "POST");
    expect(query?.path).toBe("/api/projects/1/query/");
    standin.state.events = { total: 40, withIp: 0, withGeoip: 0, withoutGeoipDisable: 0, sampleUuids: [] };
    expect((await checkRecentEvents(ctxFor(standin))).status).toBe("pass");
    const bad = await checkRecentEvents({ ...ctxFor(standin), env: { PH_KEY: "phx_nope_nope_nope" } });
    expect(bad.status).toBe("error");
    expect(bad.summary).toMatch(/hogql: PostHog refused the API key in PH_KEY \(401/);
  });

  it("recent events verdict: pass only when no IP and no GeoIP in any source", () => {
    const clean = { total: 5, withIp: 0, withGeoip: 0, withoutGeoipDisable: 5, sampleEventUuids: [] };
    expect(recentEventsOutcome([{ source: "clickhouse", ...clean }], 24).status).toBe("pass");
    expect(recentEventsOutcome([{ source: "clickhouse", ...clean, withGeoip: 1 }], 24).status).toBe("fail");
    expect(recentEventsOutcome([{ source: "clickhouse", ...clean }, { source: "hogql", error: "x" }], 24).status).toBe("error");
    expect(recentEventsOutcome([{ source: "clickhouse", ...clean, withIp: 2 }, { source: "hogql", error: "x" }], 24).status).toBe("fail");
  });

  it("a missing key variable is named", async () => {
    standin = await startPosthogStandin();
    await expect(checkAnonymizeIps({ ...ctxFor(standin), env: {} })).rejects.toThrow(/environment variable PH_KEY \(privacy.stacks.posthog.posthog.apiKeyEnv\) is not set/);
  });
});
