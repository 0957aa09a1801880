/** One audit entry: every field, its place in the hash chain, and the entries sharing its correlation id. */
import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import type { AuditEventDetails, AuditListRow } from "@/lib/audit/query-audit";
import { ActorLabel, OutcomeBadge, utcTime } from "../outcome-badge";

function Row({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2.5 sm:grid-cols-[10rem_minmax(0,1fr)] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className={`min-w-0 text-sm [overflow-wrap:anywhere] text-slate-900 ${mono ? "font-mono text-xs" : ""}`}>{children ?? <span className="text-slate-400">—</span>}</dd>
    </div>
  );
}

export function AuditEventView({ event, related }: { event: AuditEventDetails; related: AuditListRow[] }) {
  return (
    <>
      <p className="mb-3 text-sm">
        <Link href="/audit" className="font-medium text-sky-700 hover:underline">
          ← Audit log
        </Link>
      </p>
      <PageHeader title={`Entry #${event.seq}`} description={<span className="font-mono">{event.action}</span>} actions={<OutcomeBadge outcome={event.outcome} />} />
      <div className="mt-6 grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <Card title="What happened">
          <dl className="divide-y divide-slate-100">
            <Row label="Time (UTC)" mono>
              {utcTime(event.at)}.{event.at.slice(20, 23)}
            </Row>
            <Row label="Actor">
              <ActorLabel email={event.actorEmail} role={event.actorRole} ip={event.ip} />
            </Row>
            <Row label="Actor id" mono>
              {event.actorId}
            </Row>
            <Row label="Action" mono>
              {event.action}
            </Row>
            <Row label="Resource">
              {event.resourceType}
              {event.resourceId ? <span className="font-mono text-xs text-slate-600"> · {event.resourceId}</span> : null}
            </Row>
            <Row label="Outcome">
              <OutcomeBadge outcome={event.outcome} />
            </Row>
            <Row label="Error">{event.error ? <span className="text-red-800">{event.error}</span> : null}</Row>
            <Row label="Parameters">
              {event.params === null ? null : (
                <pre className="max-h-96 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs break-normal whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200">
                  {JSON.stringify(event.params, null, 2)}
                </pre>
              )}
            </Row>
            <Row label="IP address" mono>
              {event.ip}
            </Row>
            <Row label="User agent">{event.userAgent}</Row>
            <Row label="Request id" mono>
              {event.requestId}
            </Row>
            <Row label="Correlation id" mono>
              {event.correlationId}
            </Row>
            <Row label="Entry id" mono>
              {event.id}
            </Row>
          </dl>
        </Card>
        <div className="flex flex-col gap-6">
          <Card title="Hash chain" description="hash = SHA-256(previous hash ‖ canonical entry). Verify the chain on the audit log page.">
            <dl className="flex flex-col gap-3 text-xs">
              <div>
                <dt className="font-medium text-slate-600">Previous hash</dt>
                <dd className="mt-0.5 font-mono break-all text-slate-900">{event.prevHash}</dd>
              </div>
              <div>
                <dt className="font-medium text-slate-600">Hash</dt>
                <dd className="mt-0.5 font-mono break-all text-slate-900">{event.hash}</dd>
              </div>
            </dl>
          </Card>
          <Card title="Related entries" description="Entries with the same correlation id: an action's start and its outcome.">
            {related.length === 0 ? (
              <p className="text-sm text-slate-600">None: this entry stands alone (a denial, or a single event).</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {related.map((r) => (
                  <li key={r.id} className="flex items-center justify-between gap-3 py-2">
                    <Link href={`/audit/${r.id}`} className="min-w-0 text-sm">
                      <span className="block font-mono text-xs text-sky-800 hover:underline">#{r.seq} {r.action}</span>
                      <span className="block font-mono text-xs text-slate-500">{utcTime(r.at)} UTC</span>
                      {r.error ? <span className="block text-xs break-all text-red-700">{r.error}</span> : null}
                    </Link>
                    <OutcomeBadge outcome={r.outcome} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
