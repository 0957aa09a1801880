/**
 * Health probes: each checks one thing (an HTTP endpoint, a TCP port, a database answering, a
 * certificate's expiry, disk space) within a timeout and NEVER throws — failures are results.
 */
export type ProbeStatus = "ok" | "warn" | "critical" | "stale" | "unknown";

export type ProbeResult = {
  /** True when the target answered as expected (status ok, or warn: it answers but a limit is near). */
  ok: boolean;
  status: ProbeStatus;
  /** Time the probe took (until the answer, the error, or the timeout). */
  latencyMs: number;
  /** One line for people: what was found or why it failed (never a credential). */
  detail: string;
  /** ISO time the probe finished. */
  checkedAt: string;
  /** Extra figures for the UI (status code, days left, percent used, server version…). */
  data?: Record<string, string | number | boolean | null>;
};

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
