/**
 * The audit log page body (server component, no data access): export and verify actions, the filter
 * form (a plain GET form, so every filter is a shareable URL), the entries newest first as a table on
 * wide screens and stacked cards on phones, keyset paging, and the retention policy.
 */
import Link from "next/link";
import { Card } from "@/components/card";
import { EmptyState } from "@/components/empty-state";
import { ArrowRightIcon, AuditIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { formatUtc } from "@/lib/format/datetime";
import { AUDIT_OUTCOMES } from "@/lib/audit/audit-filter";
import type { AuditPageData } from "@/lib/audit/audit-page-data";
import type { AuditListRow } from "@/lib/audit/query-audit";
import { ActorLabel, OutcomeBadge, utcTime } from "./outcome-badge";
import { RetentionForm } from "./retention-form";
import { styles } from "./styles";
import { VerifyChainButton } from "./verify-chain-button";

const withQuery = (base: string, query: string, extra?: Record<string, string>) => {
  const params = new URLSearchParams(query);
  for (const [k, v] of Object.entries(extra ?? {})) params.set(k, v);
  const s = params.toString();
  return s ? `${base}?${s}` : base;
};

function Resource({ row }: { row: AuditListRow }) {
  return (
    <span className="min-w-0 break-all">
      <span className="text-slate-700">{row.resourceType}</span>
      {row.resourceId ? <span className="text-slate-500"> · {row.resourceId}</span> : null}
    </span>
  );
}

function FilterForm({ data }: { data: AuditPageData }) {
  const f = data.filter;
  const problem = (k: string) => data.problems?.[k]?.join(" ");
  const field = (name: keyof typeof f, label: string, props: { placeholder?: string; list?: string } = {}) => {
    const error = problem(name);
    return (
      <div className="min-w-0">
        <label htmlFor={`audit-${name}`} className="block text-xs font-medium text-slate-700">
          {label}
        </label>
        <input
          id={`audit-${name}`}
          name={name}
          type={name === "q" ? "search" : "text"}
          defaultValue={f[name] ?? ""}
          placeholder={props.placeholder}
          list={props.list}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `audit-${name}-error` : undefined}
          className={`mt-1 ${styles.input}`}
        />
        {error ? (
          <p id={`audit-${name}-error`} className="mt-1 text-xs font-medium text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  const more = (["action", "resource", "actor", "outcome", "from", "to"] as const).filter((k) => f[k] !== undefined).length;
  return (
    <form method="get" action="/audit" role="search" aria-label="Filter audit entries" className="flex flex-col gap-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">{field("q", "Search", { placeholder: "Text in action, resource, actor, error or parameters" })}</div>
        <div className="flex gap-2">
          <button type="submit" className={styles.primaryButton}>
            Apply filters
          </button>
          <Link href="/audit" className={styles.secondaryButton}>
            Clear
          </Link>
        </div>
      </div>
      <details open={more > 0 || Boolean(data.problems)} className="group">
        <summary className="cursor-pointer text-sm font-medium text-sky-800 select-none hover:underline">
          More filters{more > 0 ? ` (${more} set)` : ""}: action, resource, actor, outcome, time
        </summary>
        <div className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {field("action", "Action", { placeholder: "user  or  auth.sign*", list: "audit-actions" })}
          {field("resource", "Resource type", { placeholder: "container", list: "audit-resource-types" })}
          {field("actor", "Actor", { placeholder: "Email, part of one, or user id" })}
          <div className="min-w-0">
            <label htmlFor="audit-outcome" className="block text-xs font-medium text-slate-700">
              Outcome
            </label>
            <select id="audit-outcome" name="outcome" defaultValue={f.outcome ?? ""} className={`mt-1 ${styles.input}`}>
              <option value="">Any outcome</option>
              {AUDIT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o[0]!.toUpperCase() + o.slice(1)}
                </option>
              ))}
            </select>
          </div>
          {field("from", "From (UTC)", { placeholder: "2026-11-25 or 2026-11-25T14:30" })}
          {field("to", "To (UTC, inclusive)", { placeholder: "2026-11-25 or 2026-11-25T18:00" })}
        </div>
        <p className="mt-2 text-xs text-slate-500">
          An action matches itself and everything under it (<span className="font-mono">user</span> finds <span className="font-mono">user.role.change</span>); end with{" "}
          <span className="font-mono">*</span> for any prefix.
        </p>
      </details>
      <datalist id="audit-actions">
        {data.facets.actions.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <datalist id="audit-resource-types">
        {data.facets.resourceTypes.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </form>
  );
}

function EntriesTable({ rows }: { rows: AuditListRow[] }) {
  return (
    <div className="hidden overflow-x-auto md:block">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Audit entries, newest first</caption>
        <thead className="border-b border-slate-200 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Time (UTC)
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Actor
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Action
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Resource
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Outcome
            </th>
            <th scope="col" className="py-2 font-medium">
              IP
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} className="align-top hover:bg-slate-50">
              <td className="py-2 pr-3 font-mono text-xs whitespace-nowrap text-slate-600 tabular-nums">
                <Link href={`/audit/${row.id}`} className="rounded hover:text-sky-700 hover:underline" aria-label={`Details of entry #${row.seq}`}>
                  {utcTime(row.at)}
                </Link>
              </td>
              <td className="w-52 max-w-52 py-2 pr-3">
                <ActorLabel email={row.actorEmail} role={row.actorRole} ip={row.ip} compact />
              </td>
              <td className="py-2 pr-3">
                <Link href={`/audit/${row.id}`} className="rounded font-mono text-xs font-medium break-all text-sky-800 hover:underline">
                  {row.action}
                </Link>
                {row.error ? <p className="mt-0.5 line-clamp-2 text-xs [overflow-wrap:anywhere] text-red-700">{row.error}</p> : null}
              </td>
              <td className="max-w-64 py-2 pr-3 text-xs">
                <Resource row={row} />
              </td>
              <td className="py-2 pr-3">
                <OutcomeBadge outcome={row.outcome} />
              </td>
              <td className="py-2 font-mono text-xs whitespace-nowrap text-slate-600">{row.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EntriesCards({ rows }: { rows: AuditListRow[] }) {
  return (
    <ul className="divide-y divide-slate-100 md:hidden" aria-label="Audit entries, newest first">
      {rows.map((row) => (
        <li key={row.id} className="py-3">
          <div className="flex items-start justify-between gap-3">
            <Link href={`/audit/${row.id}`} className="min-w-0 font-mono text-sm font-medium break-all text-sky-800 hover:underline">
              {row.action}
            </Link>
            <OutcomeBadge outcome={row.outcome} />
          </div>
          <p className="mt-1 text-sm">
            <ActorLabel email={row.actorEmail} role={row.actorRole} ip={row.ip} />
          </p>
          <p className="mt-0.5 text-xs">
            <Resource row={row} />
          </p>
          {row.error ? <p className="mt-1 line-clamp-3 text-xs [overflow-wrap:anywhere] text-red-700">{row.error}</p> : null}
          <p className="mt-1 font-mono text-xs text-slate-500 tabular-nums">
            {utcTime(row.at)} UTC{row.ip ? ` · ${row.ip}` : ""}
          </p>
        </li>
      ))}
    </ul>
  );
}

function Pager({ data }: { data: AuditPageData }) {
  const { nextCursor, prevCursor } = data.page;
  const limit: Record<string, string> = data.limit === 50 ? {} : { limit: String(data.limit) };
  if (!nextCursor && !prevCursor) return null;
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 pt-3">
      <div className="flex gap-2">
        {prevCursor ? (
          <>
            <Link href={withQuery("/audit", data.filterQuery, limit)} className={styles.secondaryButton}>
              Newest
            </Link>
            <Link href={withQuery("/audit", data.filterQuery, { ...limit, after: prevCursor })} className={styles.secondaryButton}>
              ← Newer
            </Link>
          </>
        ) : null}
      </div>
      {nextCursor ? (
        <Link href={withQuery("/audit", data.filterQuery, { ...limit, before: nextCursor })} className={styles.secondaryButton} rel="next">
          Older <ArrowRightIcon className="size-4" />
        </Link>
      ) : (
        <span className="text-sm text-slate-500">Oldest entry reached</span>
      )}
    </nav>
  );
}

function RetentionCard({ data }: { data: AuditPageData }) {
  const { retention, lastPurge } = data;
  return (
    <Card
      title="Retention"
      description={`Entries older than ${retention.days} days${retention.isDefault ? " (the default)" : ""} are first archived to the data directory (audit-archive/, NDJSON.gz with a SHA-256 file), then removed, nightly at 03:15 UTC.`}
      footer={
        lastPurge ? (
          <>
            Last removal {formatUtc(lastPurge.at)}: {lastPurge.removed.toLocaleString("en-US")} entries, archived as{" "}
            <Link href={`/audit/${lastPurge.id}`} className="font-mono break-all text-sky-800 hover:underline">
              {lastPurge.archive ?? "—"}
            </Link>
          </>
        ) : (
          "Nothing has been removed yet."
        )
      }
    >
      {data.may.manageSettings ? (
        <RetentionForm days={retention.days} />
      ) : (
        <p className="text-sm text-slate-700">
          Kept for <strong className="font-semibold">{retention.days} days</strong>. Only an admin can change this.
        </p>
      )}
    </Card>
  );
}

export function AuditLogView({ data }: { data: AuditPageData }) {
  const exportHref = (format: "csv" | "ndjson") => withQuery("/api/audit/export", data.filterQuery, { format });
  const filtered = data.filterQuery !== "";
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every action in this console, recorded before it runs and again with its outcome. Entries are hash-chained: an edited or removed entry is detected by verification."
        actions={
          <>
            {data.may.export ? (
              <>
                <a href={exportHref("csv")} className={styles.secondaryButton} download>
                  Export CSV
                </a>
                <a href={exportHref("ndjson")} className={styles.secondaryButton} download>
                  Export NDJSON
                </a>
              </>
            ) : null}
          </>
        }
      />
      {data.may.verify ? <VerifyChainButton /> : null}

      <div className="mt-4 flex flex-col gap-6">
        <Card title="Filter" description={filtered ? "Exports use this filter. Copy the address to share it." : "Exports include every entry when no filter is set."}>
          <FilterForm data={data} />
        </Card>

        <Card title="Entries" description="Newest first. Select an entry for all its fields, its hashes and the entries tied to it.">
          {data.problems ? (
            <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
              This filter cannot be applied: {Object.values(data.problems).flat().join(" ")} Correct it above, or clear the filter.
            </p>
          ) : data.page.rows.length === 0 ? (
            <EmptyState
              icon={AuditIcon}
              title={filtered ? "No entries match this filter" : "No audit entries yet"}
              description={filtered ? "Widen the time range or remove a filter." : "Entries appear as soon as anyone signs in or runs an action."}
            />
          ) : (
            <div className="flex flex-col gap-3">
              <EntriesTable rows={data.page.rows} />
              <EntriesCards rows={data.page.rows} />
              <Pager data={data} />
            </div>
          )}
        </Card>

        <RetentionCard data={data} />
      </div>
    </>
  );
}
