/**
 * A stand-in for the PostHog API, for tests: no PostHog server can run here (no registry, no images),
 * so this local HTTP server implements just the endpoints the privacy checks read, with the request
 * and response shapes PostHog documents (https://posthog.com/docs/api) and uses in its source
 * (github.com/PostHog/posthog):
 * - `GET /api/environments/@current/` and `/api/projects/@current/` (posthog/api/team.py, TeamSerializer):
 *   `{id, project_id, uuid, name, api_token, secret_api_token, anonymize_ips, …}` — the tokens are
 *   included on purpose, so tests can prove they are never stored or shown.
 * - `GET /api/environments/{id}/hog_functions/?type=transformation` (posthog/api/hog_function.py; DRF
 *   pagination): `{count, next, previous, results: [{id, type, name, enabled, template_id | template: {id}, …}]}`,
 *   `next` an absolute URL with `offset`/`limit`, as DRF's LimitOffsetPagination builds it.
 * - `POST /api/projects/{id}/query/` with `{"query": {"kind": "HogQLQuery", "query": "…"}}`
 *   (posthog/api/query.py): `{results: [[…]], columns: […], types: […], hogql: "…"}`. The stand-in does
 *   not run HogQL: a `count(` query gets the configured counts row, any other the sample uuids.
 * Failure modes: a wrong key → 401 `{"type":"authentication_error","code":"authentication_failed",…}`;
 * `rateLimitNext` → 429 with `Retry-After`; an optional path prefix for self-hosted base URLs; `delayMs`
 * to trigger client timeouts. Every request is recorded (method, path, authorization header).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type StandinHogFunction = { id: string; name: string; enabled: boolean; template_id?: string; template?: { id: string } };

export type StandinState = {
  apiKey: string;
  environmentId: number;
  projectId: number;
  anonymizeIps: boolean;
  apiToken: string;
  secretApiToken: string;
  hogFunctions: StandinHogFunction[];
  pageSize: number;
  events: { total: number; withIp: number; withGeoip: number; withoutGeoipDisable: number; sampleUuids: string[] };
  /** The next N requests answer 429 with this Retry-After (seconds). */
  rateLimitNext: number;
  retryAfter: string;
  delayMs: number;
  /** Answer 404 on /api/environments/… (an older PostHog without environments). */
  noEnvironments: boolean;
};

export type PosthogStandin = {
  url: string;
  state: StandinState;
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  close(): Promise<void>;
};

export function defaultStandinState(overrides: Partial<StandinState> = {}): StandinState {
  return {
    apiKey: "phx_standin_personal_key_0123456789",
    environmentId: 2,
    projectId: 1,
    anonymizeIps: true,
    apiToken: "phc_standin_project_token_abcdefghij",
    secretApiToken: "phs_standin_secret_token_klmnopqrst",
    hogFunctions: [],
    pageSize: 2,
    events: { total: 0, withIp: 0, withGeoip: 0, withoutGeoipDisable: 0, sampleUuids: [] },
    rateLimitNext: 0,
    retryAfter: "1",
    delayMs: 0,
    noEnvironments: false,
    ...overrides,
  };
}

export async function startPosthogStandin(options: { state?: Partial<StandinState>; prefix?: string; port?: number; host?: string } = {}): Promise<PosthogStandin> {
  const state = defaultStandinState(options.state);
  const prefix = (options.prefix ?? "").replace(/\/$/, "");
  const requests: PosthogStandin["requests"] = [];
  let base = "";
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      requests.push({ method: req.method ?? "", path: url.pathname + url.search, authorization: req.headers.authorization });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
        }, state.delayMs);
      };
      if (!url.pathname.startsWith(`${prefix}/api/`)) return send(404, { detail: "Not found." });
      const path = url.pathname.slice(prefix.length);
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) {
        return send(401, { type: "authentication_error", code: "authentication_failed", detail: "Personal API key found in request Authorization header is invalid.", attr: null });
      }
      if (state.rateLimitNext > 0) {
        state.rateLimitNext--;
        return send(429, { type: "throttled_error", code: "throttled", detail: "Request was throttled." }, { "retry-after": state.retryAfter });
      }
      const team = {
        id: state.environmentId,
        project_id: state.projectId,
        uuid: "0190e2b4-0000-7000-8000-000000000002",
        organization: "0190e2b4-0000-7000-8000-000000000001",
        name: "Default project",
        api_token: state.apiToken,
        secret_api_token: state.secretApiToken,
        anonymize_ips: state.anonymizeIps,
        completed_snippet_onboarding: true,
        timezone: "UTC",
      };
      if (req.method === "GET" && /^\/api\/environments\/(@current|\d+)\/$/.test(path)) return state.noEnvironments ? send(404, { detail: "Not found." }) : send(200, team);
      if (req.method === "GET" && /^\/api\/projects\/(@current|\d+)\/$/.test(path)) return send(200, team);
      const hog = /^\/api\/(environments|projects)\/(\d+)\/hog_functions\/$/.exec(path);
      if (req.method === "GET" && hog) {
        const type = url.searchParams.get("type");
        const all = type && type !== "transformation" ? [] : state.hogFunctions;
        const offset = Number(url.searchParams.get("offset") ?? 0);
        const limit = Number(url.searchParams.get("limit") ?? state.pageSize);
        const page = all.slice(offset, offset + limit).map((f) => ({ type: "transformation", description: "", created_at: "2026-11-01T00:00:00Z", hog: "", filters: {}, icon_url: null, ...f }));
        let next: string | null = null;
        if (offset + limit < all.length) {
          const n = new URL(url.toString());
          n.searchParams.set("limit", String(limit));
          n.searchParams.set("offset", String(offset + limit));
          next = n.toString();
        }
        return send(200, { count: all.length, next, previous: null, results: page });
      }
      if (req.method === "POST" && /^\/api\/(projects|environments)\/\d+\/query\/$/.test(path)) {
        let query = "";
        try {
          query = String((JSON.parse(body) as { query?: { kind?: string; query?: string } }).query?.query ?? "");
        } catch {
          return send(400, { type: "validation_error", detail: "Invalid JSON" });
        }
        const e = state.events;
        if (/count\(/.test(query)) return send(200, { results: [[e.total, e.withIp, e.withGeoip, e.withoutGeoipDisable]], columns: ["count()", "a", "b", "c"], types: [], hogql: query });
        return send(200, { results: e.sampleUuids.map((u) => [u]), columns: ["uuid"], types: [], hogql: query });
      }
      return send(404, { detail: "Not found." });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}${prefix}`,
    state,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
