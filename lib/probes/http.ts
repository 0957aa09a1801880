/**
 * HTTP(S) probe: status code, latency, and an optional JSON rule on the body — a field must equal
 * a value, or a timestamp field must be younger than N minutes (else `stale`, as the runbooks'
 * health endpoints with a last-sync time).
 */
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from "./types";
import { failure, result, withDeadline } from "./result";

export type JsonRule =
  | { field: string; equals: string | number | boolean | null }
  | { field: string; maxAgeMinutes: number };

export type HttpProbeSpec = {
  url: string;
  method?: "GET" | "HEAD";
  /** Accepted status codes (default: any 2xx). */
  expectStatus?: number[];
  headers?: Record<string, string>;
  json?: JsonRule;
  timeoutMs?: number;
};

const MAX_BODY = 1024 * 1024;

export async function probeHttp(spec: HttpProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let where: string;
  let target: URL;
  const headers: Record<string, string> = { ...spec.headers };
  try {
    target = new URL(spec.url);
    where = displayUrl(spec.url);
  } catch {
    return result("unknown", started, `invalid URL`, undefined, false);
  }
  if (target.username || target.password) {
    // fetch refuses URLs with credentials: send them as Basic auth instead.
    headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  try {
    return await withDeadline(timeoutMs, async (signal) => {
      const res = await fetch(target, { method: spec.method ?? "GET", headers, signal, redirect: "follow" });
      const body = spec.method === "HEAD" ? "" : await readBounded(res, MAX_BODY);
      const latencyMs = Math.round(performance.now() - started);
      const data = { statusCode: res.status, latencyMs };
      const accepted = spec.expectStatus ? spec.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
      if (!accepted) return result("critical", started, `${where} answered ${res.status}${snippet(body)}`, data);
      if (!spec.json) return result("ok", started, `${where} answered ${res.status} in ${latencyMs} ms`, data);
      return checkJson(spec.json, body, where, res.status, started, data);
    });
  } catch (error) {
    const failed = failure(error, started, timeoutMs, where);
    // Error messages may quote the URL, whose query string can carry a token.
    failed.detail = failed.detail.split(target.href).join(where).split(spec.url).join(where).replace(/\?\S*/g, "");
    return failed;
  }
}

function checkJson(
  rule: JsonRule,
  body: string,
  where: string,
  status: number,
  started: number,
  data: Record<string, number>,
): ProbeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return result("critical", started, `${where} answered ${status} but the body is not JSON${snippet(body)}`, data);
  }
  const value = getPath(parsed, rule.field);
  if (value === undefined) return result("critical", started, `${where}: field "${rule.field}" is missing`, data);
  if ("equals" in rule) {
    return value === rule.equals
      ? result("ok", started, `${where}: ${rule.field} = ${JSON.stringify(value)}`, data)
      : result("critical", started, `${where}: ${rule.field} is ${JSON.stringify(value)}, expected ${JSON.stringify(rule.equals)}`, data);
  }
  const at = toTime(value);
  if (at === null) return result("critical", started, `${where}: ${rule.field} is not a time (${JSON.stringify(value)})`, data);
  const ageMinutes = (Date.now() - at) / 60_000;
  const withAge = { ...data, ageMinutes: Math.round(ageMinutes * 10) / 10 };
  if (ageMinutes > rule.maxAgeMinutes) {
    return result("stale", started, `${where}: ${rule.field} is ${formatAge(ageMinutes)} old (limit ${rule.maxAgeMinutes} min)`, withAge, false);
  }
  return result("ok", started, `${where}: ${rule.field} ${formatAge(ageMinutes)} ago`, withAge);
}

/** "a.b.0.c" into nested objects and arrays. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** An ISO time string, or epoch seconds / milliseconds. */
export function toTime(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === "string" && value.trim() !== "") {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

function formatAge(minutes: number): string {
  if (minutes < 1) return `${Math.max(0, Math.round(minutes * 60))} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} days`;
}

/** The URL without credentials or query string (which may carry tokens). */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= max) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, " ").trim().slice(0, 120);
  return text ? `: ${text}` : "";
}
