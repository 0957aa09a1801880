/**
 * A small client for the PostHog API endpoints the privacy checks read (shapes from PostHog's source and
 * API docs, as listed in issue 7):
 * - `GET /api/environments/@current/` (older versions: `/api/projects/@current/`): project settings; the
 *   boolean `anonymize_ips` is "Discard client IP data". The response also carries `api_token` and
 *   `secret_api_token`: the zod schema below keeps only id, project_id, name and anonymize_ips, so those
 *   never leave this module.
 * - `GET /api/environments/{id}/hog_functions/?type=transformation`: DRF pagination
 *   `{count, next, previous, results}`; each item has `enabled` and its template's id (`template_id`, or
 *   `template: {id}` in versions that nest it).
 * - `POST /api/projects/{id}/query/` with `{"query": {"kind": "HogQLQuery", "query": "…"}}`: rows under `results`.
 *
 * Self-hosted base URLs may carry a path prefix (https://example.com/posthog). Every request has a
 * timeout; 401/403 say the key is refused; 429 backs off (Retry-After, seconds or an HTTP date, capped)
 * and retries; `next` pages are followed only on the configured origin, so the key is never sent elsewhere.
 */
import { z } from "zod";

export class PosthogApiError extends Error {
  readonly kind: "auth" | "rate_limited" | "timeout" | "unreachable" | "http" | "invalid_response";
  readonly status: number | null;
  constructor(kind: PosthogApiError["kind"], message: string, status: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PosthogApiError";
    this.kind = kind;
    this.status = status;
  }
}

export type PosthogClientOptions = {
  baseUrl: string;
  apiKey: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Retries after a 429 (default 3). */
  maxRetries?: number;
  /** Longest wait for one Retry-After (default 30 s). */
  maxBackoffMs?: number;
  /** Name of the variable holding the key, for messages. */
  apiKeyEnv?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
};

export const projectSettingsSchema = z.object({
  id: z.number().int(),
  project_id: z.number().int().optional(),
  name: z.string().optional(),
  anonymize_ips: z.boolean(),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

export const hogFunctionSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  type: z.string().nullish(),
  enabled: z.boolean(),
  template_id: z.string().nullish(),
  template: z.object({ id: z.string() }).nullish(),
});
export type HogFunction = z.infer<typeof hogFunctionSchema> & { templateId: string | null };

const pageSchema = z.object({ next: z.string().nullish(), results: z.array(hogFunctionSchema) });
const querySchema = z.object({ results: z.array(z.array(z.unknown())), columns: z.array(z.string()).optional() });

const MAX_PAGES = 50;

export class PosthogClient {
  private readonly base: URL;
  private readonly opts: Required<Omit<PosthogClientOptions, "apiKeyEnv">> & { apiKeyEnv?: string };

  constructor(options: PosthogClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new PosthogApiError("http", "The PostHog URL is not valid.");
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") throw new PosthogApiError("http", "The PostHog URL must be http(s).");
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    base.search = "";
    base.hash = "";
    this.base = base;
    this.opts = {
      baseUrl: base.toString(),
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 3,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      apiKeyEnv: options.apiKeyEnv,
      fetch: options.fetch ?? fetch,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  /** The URL of an API path under the base (keeps a self-hosted path prefix). */
  url(path: string): URL {
    return new URL(path.replace(/^\//, ""), this.base);
  }

  private async request(url: URL, init: { method: "GET" | "POST"; body?: unknown }): Promise<unknown> {
    if (url.origin !== this.base.origin) throw new PosthogApiError("invalid_response", `PostHog pointed to another host (${url.host}); the key is not sent there.`);
    const where = `${init.method} ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.opts.fetch(url, {
          method: init.method,
          headers: {
            authorization: `Bearer ${this.opts.apiKey}`,
            accept: "application/json",
            ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
            "user-agent": "opsdeck-privacy",
          },
          body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
          redirect: "manual",
        });
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === "TimeoutError" || name === "AbortError") throw new PosthogApiError("timeout", `PostHog did not answer ${where} within ${Math.round(this.opts.timeoutMs / 100) / 10} s.`, null, { cause: error });
        throw new PosthogApiError("unreachable", `PostHog could not be reached at ${this.base.host} (${(error as Error).message}).`, null, { cause: error });
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel().catch(() => undefined);
        const variable = this.opts.apiKeyEnv ? ` in ${this.opts.apiKeyEnv}` : "";
        throw new PosthogApiError(
          "auth",
          `PostHog refused the API key${variable} (${res.status} on ${where}): use a personal API key (phx_…) of a user in this project with read access to project settings, hog functions and queries.`,
          res.status,
        );
      }
      if (res.status === 429) {
        await res.body?.cancel().catch(() => undefined);
        if (attempt >= this.opts.maxRetries) throw new PosthogApiError("rate_limited", `PostHog kept rate-limiting ${where} (429 after ${attempt + 1} attempts); try again later.`, 429);
        await this.opts.sleep(retryAfterMs(res.headers.get("retry-after"), attempt, this.opts.maxBackoffMs));
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new PosthogApiError("http", `PostHog answered ${res.status} on ${where}.`, res.status);
      }
      try {
        return await res.json();
      } catch (error) {
        throw new PosthogApiError("invalid_response", `PostHog's answer to ${where} is not JSON.`, res.status, { cause: error });
      }
    }
  }

  private parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new PosthogApiError("invalid_response", `PostHog's ${what} does not have the expected shape (${parsed.error.issues[0]?.path.join(".") || "root"}: ${parsed.error.issues[0]?.message}).`);
    return parsed.data;
  }

  /** Project (environment) settings; falls back to /api/projects/ on versions without environments. */
  async projectSettings(projectId: number | "@current" = "@current"): Promise<ProjectSettings> {
    let raw: unknown;
    try {
      raw = await this.request(this.url(`api/environments/${projectId}/`), { method: "GET" });
    } catch (error) {
      if (!(error instanceof PosthogApiError && error.status === 404)) throw error;
      raw = await this.request(this.url(`api/projects/${projectId}/`), { method: "GET" });
    }
    return this.parse(projectSettingsSchema, raw, "project settings");
  }

  /** Every hog function of a type, following `next` pages (same origin only). */
  async hogFunctions(environmentId: number, type = "transformation"): Promise<HogFunction[]> {
    const out: HogFunction[] = [];
    let next: URL | null = this.url(`api/environments/${environmentId}/hog_functions/`);
    next.searchParams.set("type", type);
    for (let page = 0; next; page++) {
      if (page >= MAX_PAGES) throw new PosthogApiError("invalid_response", `PostHog returned more than ${MAX_PAGES} pages of hog functions.`);
      const parsed: z.infer<typeof pageSchema> = this.parse(pageSchema, await this.request(next, { method: "GET" }), "hog function list");
      for (const f of parsed.results) out.push({ ...f, templateId: f.template_id ?? f.template?.id ?? null });
      next = parsed.next ? new URL(parsed.next, this.base) : null;
    }
    return out;
  }

  /** A HogQL query's rows. */
  async hogql(projectId: number, query: string): Promise<unknown[][]> {
    const raw = await this.request(this.url(`api/projects/${projectId}/query/`), { method: "POST", body: { query: { kind: "HogQLQuery", query } } });
    return this.parse(querySchema, raw, "query result").results;
  }
}

/** Retry-After in seconds or as an HTTP date; without one, exponential backoff from 1 s. Capped. */
export function retryAfterMs(header: string | null, attempt: number, maxMs: number): number {
  let ms = 1000 * 2 ** attempt;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) ms = seconds * 1000;
    else {
      const at = Date.parse(header);
      if (!Number.isNaN(at)) ms = Math.max(0, at - Date.now());
    }
  }
  return Math.min(ms, maxMs);
}
