/**
 * The privacy evidence report, printable (admin, auditor): every check run of a date range with its
 * result and evidence, signed with the audit-chain hash at the time of export. Opening it is an export
 * (audited as privacy.report.export); the JSON download is /api/v1/privacy/report with the same range.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import { PageHeader } from "@/components/page-header";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { requirePermission } from "@/lib/auth/require-permission";
import { privacyReportAction } from "@/lib/privacy/report";
import { ResultBadge } from "../check-views";

export const metadata: Metadata = { title: "Privacy evidence report" };
export const dynamic = "force-dynamic";

const PRINT_CSS = `@media print {
  body * { visibility: hidden; }
  #privacy-report, #privacy-report * { visibility: visible; }
  #privacy-report { position: absolute; left: 0; top: 0; width: 100%; }
  #privacy-report details > pre { max-height: none; overflow: visible; }
}`;

export default async function PrivacyReportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("audit.export", "/privacy/report");
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const result = await executeAction(privacyReportAction, await requestContext(), { from: one(sp.from), to: one(sp.to) });
  const range = result.ok ? result.data.range : { from: one(sp.from) ?? "", to: one(sp.to) ?? "" };
  const download = `/api/v1/privacy/report?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
  return (
    <>
      <style>{PRINT_CSS}</style>
      <PageHeader
        title="Privacy evidence report"
        description="Every privacy check run in a date range with its result and evidence, signed with the audit-chain hash at the time of export."
        actions={
          <Link href="/privacy" className={buttonStyles.secondary}>
            Back to Privacy
          </Link>
        }
      />
      <form method="get" className="mt-6 flex flex-wrap items-end gap-3 print:hidden" aria-label="Report range">
        <label className="text-sm text-slate-700">
          From
          <input type="date" name="from" defaultValue={range.from} className={`${inputStyles} mt-1`} />
        </label>
        <label className="text-sm text-slate-700">
          To
          <input type="date" name="to" defaultValue={range.to} className={`${inputStyles} mt-1`} />
        </label>
        <button type="submit" className={buttonStyles.primary}>
          Show report
        </button>
        {result.ok ? (
          <a href={download} className={buttonStyles.secondary} download data-testid="report-json">
            Download JSON
          </a>
        ) : null}
      </form>
      {!result.ok ? (
        <p role="alert" className="mt-6 rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
          {result.error.message} {result.error.fieldErrors ? Object.values(result.error.fieldErrors).flat().join(" ") : ""}
        </p>
      ) : (
        <article id="privacy-report" className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-xs print:border-0 print:shadow-none" data-testid="privacy-report">
          <header className="border-b border-slate-200 pb-4">
            <h2 className="text-lg font-semibold text-slate-900">
              Privacy verification evidence, {result.data.range.from} to {result.data.range.to}
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              Generated {result.data.generatedAt} by {result.data.generatedBy ?? "—"} · {result.data.totals.results} results: {result.data.totals.pass} pass, {result.data.totals.fail} fail, {result.data.totals.error} could not check,{" "}
              {result.data.totals.flips} flips from pass{result.data.totals.truncated ? " · truncated to the first 10,000 results: narrow the range" : ""}
            </p>
            <dl className="mt-3 grid gap-x-4 gap-y-1 rounded-md bg-slate-50 p-3 text-xs ring-1 ring-slate-200 ring-inset sm:grid-cols-[max-content_1fr]" data-testid="report-chain">
              <dt className="font-medium text-slate-700">Audit chain head at export</dt>
              <dd className="font-mono break-all text-slate-900" data-testid="chain-hash">{result.data.auditChain.hash}</dd>
              <dt className="font-medium text-slate-700">Audit row</dt>
              <dd className="font-mono text-slate-900">
                seq {result.data.auditChain.seq} · {result.data.auditChain.action} · correlation {result.data.auditChain.correlationId} · {result.data.auditChain.at}
              </dd>
              <dt className="font-medium text-slate-700">Report signature</dt>
              <dd className="font-mono break-all text-slate-900" data-testid="report-signature">{result.data.signature.value}</dd>
              <dd className="text-slate-600 sm:col-span-2">{result.data.auditChain.explanation} Signature: {result.data.signature.algorithm}, over the JSON download.</dd>
            </dl>
          </header>
          {result.data.results.length === 0 ? (
            <p className="mt-4 text-sm text-slate-600">No check ran in this range.</p>
          ) : (
            <table className="mt-4 w-full text-left text-xs">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">Time (UTC)</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Stack</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Check</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Result</th>
                  <th scope="col" className="py-2 font-medium">Summary and evidence</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {result.data.results.map((r) => (
                  <tr key={r.id} data-testid="report-row" data-status={r.status} className={r.flipped ? "bg-red-50" : undefined}>
                    <td className="py-2 pr-3 font-mono whitespace-nowrap text-slate-700">{r.startedAt.replace("T", " ").slice(0, 19)}</td>
                    <td className="py-2 pr-3 text-slate-800">{r.stack}</td>
                    <td className="py-2 pr-3 text-slate-800">{r.title}</td>
                    <td className="py-2 pr-3">
                      <ResultBadge status={r.status} />
                      {r.flipped ? <span className="mt-1 block text-[11px] font-semibold text-red-800">flipped from pass</span> : null}
                    </td>
                    <td className="py-2 text-slate-800">
                      <p className="break-words">{r.summary}</p>
                      <p className="mt-0.5 text-[11px] text-slate-500">{r.trigger === "schedule" ? "daily schedule" : `run by ${r.requestedBy ?? "a user"}`} · audit correlation {r.auditCorrelationId ?? "—"}</p>
                      <details className="mt-1">
                        <summary className="cursor-pointer text-[11px] text-sky-700">Evidence</summary>
                        <pre className="mt-1 max-h-60 overflow-auto rounded bg-slate-50 p-2 font-mono text-[10px] leading-snug text-slate-800">{JSON.stringify(r.evidence, null, 2)}</pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      )}
    </>
  );
}
