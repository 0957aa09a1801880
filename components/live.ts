"use client";

/**
 * Shared pieces of the live views (dashboard, container page): a JSON fetch that tells a dead
 * connection from a signed-out session from a server error, and a clock for "updated 5 s ago".
 */
import { useEffect, useState } from "react";

export type LiveErrorKind = "offline" | "signed-out" | "forbidden" | "not-found" | "server";

export class LiveError extends Error {
  constructor(
    readonly kind: LiveErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "LiveError";
  }
}

export async function fetchLiveJson<T>(url: string, signal: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store", signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new LiveError("offline", "The console did not answer (network error)");
  }
  if (response.ok) {
    try {
      return (await response.json()) as T;
    } catch {
      throw new LiveError("server", "The console answered something that is not JSON");
    }
  }
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status
  }
  const kind: LiveErrorKind =
    response.status === 401 ? "signed-out" : response.status === 403 ? "forbidden" : response.status === 404 ? "not-found" : response.status >= 502 && response.status !== 503 ? "offline" : "server";
  throw new LiveError(kind, message);
}

/** Don't retry what another try cannot fix (signed out, forbidden, gone). */
export function retryLive(failureCount: number, error: unknown): boolean {
  if (error instanceof LiveError && (error.kind === "signed-out" || error.kind === "forbidden" || error.kind === "not-found")) return false;
  return failureCount < 1;
}

/** The current time, re-rendered every `intervalMs`. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
