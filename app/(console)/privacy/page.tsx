import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/card";
import { EmptyState } from "@/components/empty-state";
import { buttonStyles } from "@/components/form-styles";
import { PrivacyIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { can } from "@/lib/auth/policy";
import { requirePermission } from "@/lib/auth/require-permission";
import { formatRelative, formatUtc } from "@/lib/format/datetime";
import { privacyPageData, type CheckView } from "@/lib/privacy/page-data";
import { EvidenceView, ResultBadge, Timeline } from "./check-views";
import { RunChecksButton } from "./run-button";

export const metadata: Metadata = { title: "Privacy" };
export const dynamic = "force-dynamic";

const SAMPLE = `privacy:
  schedule: "45 5 * * *"        # daily, UTC (default)
  stacks:
    posthog:
      posthog:
        url: https://posthog.example.com
        apiKeyEnv: POSTHOG_PERSONAL_API_KEY
      clickhouse: { service: clickhouse, database: posthog }
      deployment: [web, worker]   # services running PostHog
      forwarders: [gateway]       # services that send events`;

function CheckCard({ stack, check }: { stack: string; check: CheckView }) {
  const latest = check.latest;
  const flipped = latest?.flipped ?? false;
  return (
    <li
      className={`rounded-lg border bg-white p-4 ${flipped ? "border-red-300 ring-2 ring-red-200" : latest?.status === "fail" ? "border-red-200" : "border-slate-200"}`}
      data-testid={`check-${stack}-${check.key}`}
      data-status={latest?.status ?? "none"}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-slate-900">{check.title}</h3>
          <p className="text-xs text-slate-500">{check.description}</p>
        </div>
        <div className="flex shrink-0 flex-col items-end gap-1">
          {flipped ? (
            <span className="rounded-full bg-red-700 px-2 py-0.5 text-xs font-semibold text-white" data-testid="flipped">
              Flipped from pass
            </span>
          ) : null}
          <ResultBadge status={latest?.status ?? null} />
        </div>
      </div>
      {latest ? (
        <>
          <p className="mt-2 text-sm break-words text-slate-800" data-testid="summary">
            {latest.summary}
          </p>
          <p className="mt-1 text-xs text-slate-500">
            <time dateTime={latest.at} title={formatUtc(latest.at)}>
              {formatRelative(latest.at)}
            </time>{" "}
            · {latest.trigger === "schedule" ? "daily schedule" : `run by ${latest.requestedByEmail ?? "a user"}`} · {latest.durationMs} ms
          </p>
          <EvidenceView evidence={latest.evidence} />
        </>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Not run yet.</p>
      )}
      <div className="mt-3">
        <Timeline history={check.history} />
      </div>
    </li>
  );
}

export default async function PrivacyPage() {
  const actor = await requirePermission("privacy.view", "/privacy");
  const data = await privacyPageData();
  const mayRun = can(actor.role, "privacy.run");
  const mayReport = can(actor.role, "audit.export");
  const configured = data.ok && data.stacks.length > 0;
  return (
    <>
      <PageHeader
        title="Privacy"
        description="Continuous proof that the analytics stack keeps its privacy settings: client IPs discarded, GeoIP off, no IP on recent events, a secure deployment — with the evidence of every run."
        actions={
          <>
            {mayReport ? (
              <Link href="/privacy/report" className={buttonStyles.secondary}>
                Evidence report
              </Link>
            ) : null}
            {mayRun && configured ? <RunChecksButton label="Run all checks now" /> : null}
          </>
        }
      />
      <div className="mt-6 space-y-6">
        {!data.ok ? (
          <EmptyState icon={PrivacyIcon} title="Privacy checks cannot be shown" description={data.error} />
        ) : data.stacks.length === 0 ? (
          <EmptyState
            icon={PrivacyIcon}
            title="No privacy checks configured yet"
            description="No check has run, so nothing is claimed here. Add a privacy block to the stack config (OPSDECK_CONFIG) and restart the console:"
          >
            <pre className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 text-left font-mono text-xs leading-relaxed text-slate-100">{SAMPLE}</pre>
          </EmptyState>
        ) : (
          <>
            <p className="text-sm text-slate-600">
              Checks run daily ({data.schedule} UTC){mayRun ? " and whenever you run them" : ""}. A check that went from pass to fail is ringed in red and sent to the notification webhook.
            </p>
            {data.stacks.map((stack) => {
              const failing = stack.checks.filter((c) => c.latest && c.latest.status !== "pass").length;
              return (
                <Card
                  key={stack.key}
                  title={stack.name}
                  description={
                    stack.lastRunAt ? (
                      <>
                        Last run <time dateTime={stack.lastRunAt} title={formatUtc(stack.lastRunAt)}>{formatRelative(stack.lastRunAt)}</time> ·{" "}
                        {failing === 0 ? "all checks pass" : `${failing} of ${stack.checks.length} not passing`}
                      </>
                    ) : (
                      "Not run yet"
                    )
                  }
                  actions={mayRun ? <RunChecksButton stack={stack.key} label="Run now" /> : null}
                >
                  <ul className="grid items-start gap-3 lg:grid-cols-2" data-testid={`privacy-stack-${stack.key}`}>
                    {stack.checks.map((check) => (
                      <CheckCard key={check.key} stack={stack.key} check={check} />
                    ))}
                  </ul>
                </Card>
              );
            })}
          </>
        )}
      </div>
    </>
  );
}
