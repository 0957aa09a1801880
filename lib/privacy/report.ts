/**
 * The evidence report for compliance reviewers (admin, auditor: permission audit.export): every check
 * result of a date range with its status, summary and evidence, signed with the audit-chain hash at the
 * time of export. The export is itself an audited action (`privacy.report.export`); the report carries
 * the chain position of that action's committed "started" row (seq, hash, time, correlation id) — the
 * head of the chain as the export began — and `signature = sha256(chain hash || canonical JSON of the
 * report body)`. A reviewer finds the row by its seq in the audit log, checks its hash there (and the
 * chain with the audit verifier), and recomputes the signature from the file.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { defineAction } from "../actions/define-action";
import { canonicalJson } from "../audit/hash-chain";
import { pool } from "../db/pool";
import { AppError } from "../errors/app-error";
import { resultsBetween } from "./store";
import { CHECK_TITLES, type CheckStatus } from "./types";

export const REPORT_MAX_DAYS = 366;
export const REPORT_MAX_RESULTS = 10_000;

const DAY = 24 * 3600 * 1000;
const dateInput = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-11-01.").optional());

export const reportInput = z
  .object({ from: dateInput, to: dateInput })
  .transform((v, ctx) => {
    const today = new Date().toISOString().slice(0, 10);
    const to = v.to ?? today;
    const from = v.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
    const fromAt = new Date(`${from}T00:00:00Z`);
    const toAt = new Date(Date.parse(`${to}T00:00:00Z`) + DAY); // the whole "to" day
    if (Number.isNaN(fromAt.getTime()) || Number.isNaN(toAt.getTime())) {
      ctx.addIssue({ code: "custom", message: "Use dates like 2026-11-01." });
      return z.NEVER;
    }
    if (fromAt >= toAt) {
      ctx.addIssue({ code: "custom", message: "The start date is after the end date." });
      return z.NEVER;
    }
    if (toAt.getTime() - fromAt.getTime() > REPORT_MAX_DAYS * DAY) {
      ctx.addIssue({ code: "custom", message: `A report covers at most ${REPORT_MAX_DAYS} days.` });
      return z.NEVER;
    }
    return { from, to, fromAt, toAt };
  });

export type ReportResult = {
  id: string;
  runId: string;
  stack: string;
  check: string;
  title: string;
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  previousStatus: CheckStatus | null;
  flipped: boolean;
  trigger: "user" | "schedule";
  requestedBy: string | null;
  auditCorrelationId: string | null;
  startedAt: string;
  finishedAt: string;
};

export type EvidenceReport = {
  kind: "opsdeck.privacy-evidence-report";
  version: 1;
  generatedAt: string;
  generatedBy: string | null;
  range: { from: string; to: string; fromInclusive: string; toExclusive: string };
  totals: { results: number; pass: number; fail: number; error: number; flips: number; truncated: boolean };
  results: ReportResult[];
  auditChain: { seq: string; hash: string; at: string; correlationId: string; action: string; explanation: string };
  signature: { algorithm: "sha256(auditChain.hash || canonicalJson(report without signature))"; value: string };
};

export function signReport(body: Omit<EvidenceReport, "signature">): string {
  return createHash("sha256").update(body.auditChain.hash).update(canonicalJson(body)).digest("hex");
}

export const privacyReportAction = defineAction({
  action: "privacy.report.export",
  permission: "audit.export",
  input: reportInput,
  resourceType: "privacy",
  resourceId: (input) => `${input.from}..${input.to}`,
  params: (input) => ({ from: input.from, to: input.to }),
  run: async (input, { ctx, correlationId }): Promise<EvidenceReport> => {
    // This export's own committed "started" row: the chain head when the export began.
    const head = await pool().query<{ seq: string; hash: string; at: Date }>(
      "select seq::text as seq, hash, at from audit_events where correlation_id = $1 and outcome = 'started' order by seq limit 1",
      [correlationId],
    );
    const row = head.rows[0];
    if (!row) throw new AppError("AUDIT_UNAVAILABLE", "The export's audit row could not be read back; the report is not signed, so it is not produced.");
    const rows = await resultsBetween(input.fromAt, input.toAt, REPORT_MAX_RESULTS + 1);
    const truncated = rows.length > REPORT_MAX_RESULTS;
    const results: ReportResult[] = rows.slice(0, REPORT_MAX_RESULTS).map((r) => ({
      id: r.id,
      runId: r.runId,
      stack: r.stack,
      check: r.checkKey,
      title: CHECK_TITLES[r.checkKey]?.title ?? r.checkKey,
      status: r.status,
      summary: r.summary,
      evidence: r.evidence,
      previousStatus: r.previousStatus,
      flipped: r.flipped,
      trigger: r.trigger,
      requestedBy: r.requestedByEmail,
      auditCorrelationId: r.auditCorrelationId,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt.toISOString(),
    }));
    const body: Omit<EvidenceReport, "signature"> = {
      kind: "opsdeck.privacy-evidence-report",
      version: 1,
      generatedAt: new Date().toISOString(),
      generatedBy: ctx.actor?.email ?? null,
      range: { from: input.from, to: input.to, fromInclusive: input.fromAt.toISOString(), toExclusive: input.toAt.toISOString() },
      totals: {
        results: results.length,
        pass: results.filter((r) => r.status === "pass").length,
        fail: results.filter((r) => r.status === "fail").length,
        error: results.filter((r) => r.status === "error").length,
        flips: results.filter((r) => r.flipped).length,
        truncated,
      },
      results,
      auditChain: {
        seq: row.seq,
        hash: row.hash,
        at: row.at.toISOString(),
        correlationId,
        action: "privacy.report.export",
        explanation: "The audit row of this export (outcome started), committed before the report was read: the head of the audit chain at the time of export. Find it in the audit log by its seq or correlation id and compare the hash.",
      },
    };
    return { ...body, signature: { algorithm: "sha256(auditChain.hash || canonicalJson(report without signature))", value: signReport(body) } };
  },
});
