import { shortError } from "../docker/engines";
import type { ProbeResult, ProbeStatus } from "./types";

/** Builds a result; `ok` follows from the status unless given. */
export function result(
  status: ProbeStatus,
  startedAt: number,
  detail: string,
  data?: ProbeResult["data"],
  ok: boolean = status === "ok" || status === "warn",
): ProbeResult {
  return { ok, status, latencyMs: Math.round(performance.now() - startedAt), detail, checkedAt: new Date().toISOString(), ...(data ? { data } : {}) };
}

/** Turns a thrown error into a critical result; a timeout says so with its budget. */
export function failure(error: unknown, startedAt: number, timeoutMs: number, what: string): ProbeResult {
  const timedOut =
    error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError" || /timed? ?out/i.test(error.message));
  return result("critical", startedAt, timedOut ? `${what}: no answer within ${timeoutMs} ms` : `${what}: ${shortError(error)}`);
}

/**
 * Runs `work` with a hard deadline: whatever `work` does, the returned promise settles by then
 * (a hung driver cannot hold the page). `work` receives an AbortSignal to stop early.
 */
export function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      error.name = "TimeoutError";
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    work(controller.signal).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
