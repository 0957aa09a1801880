/**
 * The container page: inspect summary (environment KEY names only), mounts, ports, health check
 * history, 24-hour charts, and the live status, controls and logs.
 */
import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/card";
import { LockIcon } from "@/components/icons";
import { LineChart } from "@/components/line-chart";
import { PageHeader } from "@/components/page-header";
import type { ContainerPageData } from "@/lib/dashboard/page-data";
import { formatBytes, formatDuration, formatPercent } from "@/lib/format/units";
import { formatUtc } from "@/lib/format/datetime";
import { ContainerLive } from "./container-live";
import { LogsPanel } from "./logs-panel";

/** The container page's body (server-rendered; the live status, controls and logs are client parts). */
export function ContainerView({ data }: { data: ContainerPageData }) {
  const s = data.summary;
  const title = data.service ?? s.name;
  return (
    <>
      <Link href="/dashboard" className="mb-3 inline-block rounded text-sm font-medium text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600">
        ← Dashboard
      </Link>
      <PageHeader
        title={title}
        description={
          <>
            <span className="font-mono text-xs">{s.name}</span>
            {data.project ? <> · stack {data.project}</> : null}
            {data.kind && data.kind !== "app" ? <> · {data.kind}</> : null}
            {data.stateful ? (
              <span className="ml-1 inline-flex items-center gap-0.5 align-middle text-xs text-slate-600">
                <LockIcon className="size-3" /> stateful
              </span>
            ) : null}
            {data.engine ? <> · engine {data.engine.name}</> : null}
            <> · id <span className="font-mono text-xs">{s.shortId}</span></>
          </>
        }
      />
      <div className="mt-6 space-y-6">
        <ContainerLive
          id={s.id}
          initial={data.live}
          thresholds={data.thresholds}
          controls={{ canControl: data.canControl, stateful: data.stateful, confirmWord: data.confirmWord, healthBudgetMs: data.healthBudgetMs, serviceLabel: title, service: data.serviceTarget }}
        />
        <Charts data={data} />
        {data.canViewLogs ? <LogsPanel id={s.id} name={s.name} /> : null}
        <div className="grid items-start gap-6 lg:grid-cols-2">
          <HealthCheck data={data} />
          <Configuration data={data} />
        </div>
        <div className="grid items-start gap-6 lg:grid-cols-2">
          <Ports data={data} />
          <Environment data={data} />
        </div>
        <Mounts data={data} />
        <Labels data={data} />
      </div>
    </>
  );
}


function Charts({ data }: { data: ContainerPageData }) {
  const { from, to, points, stored } = data.history;
  const limit = points.at(-1) ? (data.summary.memoryLimitBytes ?? null) : null;
  // Right after the console (or the container) started, a few minutes of 24 hours are a dot at the
  // right edge: say where the stored readings begin, so an almost empty chart is not read as zero.
  const firstAt = points[0]?.t;
  const short = stored && firstAt !== undefined && to - firstAt < 3 * 3_600_000;
  return (
    <Card
      title="Last 24 hours"
      description={stored ? "One point per minute (averages), from the console's database. Dashed lines: warn and critical limits." : "Not stored: the console runs without its database for samples."}
    >
      {short ? (
        <p className="-mt-1 mb-4 text-xs text-slate-600" data-testid="history-since">
          Readings stored since {formatUtc(new Date(firstAt).toISOString())} ({formatDuration((to - firstAt) / 1000)}): the lines fill in from the right, at the &ldquo;now&rdquo; end.
        </p>
      ) : null}
      <div className="grid gap-8 lg:grid-cols-2">
        <div>
          <h3 className="mb-2 text-xs font-medium text-slate-600">CPU, % of one core</h3>
          <LineChart
            label="CPU over the last 24 hours"
            points={points.map((p) => ({ t: p.t, v: p.cpu }))}
            from={from}
            to={to}
            minYMax={10}
            formatY={(v) => formatPercent(v, 0)}
            thresholds={data.thresholds.cpuPercent}
          />
        </div>
        <div>
          <h3 className="mb-2 text-xs font-medium text-slate-600">Memory used{limit ? ` (limit ${formatBytes(limit)})` : ""}</h3>
          <LineChart
            label="Memory used over the last 24 hours"
            points={points.map((p) => ({ t: p.t, v: p.mem }))}
            from={from}
            to={to}
            yMax={niceBytes(Math.max(1024 * 1024, ...points.map((p) => p.mem)))}
            formatY={(v) => formatBytes(v)}
          />
        </div>
      </div>
    </Card>
  );
}

/** Docker durations: "500 ms", "30 s", "1 min". */
function ms(value: number): string {
  return value < 1_000 ? `${value} ms` : formatDuration(value / 1000);
}

/** The next power of two: byte axes read 64 MiB / 32 MiB, not 19.1 MiB / 9.5 MiB. */
function niceBytes(v: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, v)));
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-3 py-2 text-sm sm:grid-cols-[8rem_minmax(0,1fr)]">
      <dt className="text-slate-500">{term}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

/** An argv as a shell would show it: arguments with spaces or newlines quoted, a script's lines kept as lines. */
function Argv({ argv }: { argv: string[] }) {
  if (argv.length === 0) return <span className="text-slate-500">—</span>;
  const text = argv.map((a) => (a === "" ? "''" : /[\s"'$`\\]/.test(a) ? `'${a}'` : a)).join(" ");
  return <pre className="max-h-48 overflow-auto rounded bg-slate-50 px-2 py-1 font-mono text-xs whitespace-pre-wrap ring-1 ring-slate-200 ring-inset">{text}</pre>;
}

function HealthCheck({ data }: { data: ContainerPageData }) {
  const hc = data.summary.healthcheck;
  const health = data.summary.health;
  const log = [...(health?.log ?? [])].reverse();
  return (
    <Card title="Health check" description={hc ? `Docker keeps the last ${Math.max(log.length, 5)} runs.` : "No health check is defined: Docker only knows whether the process runs."}>
      {hc ? (
        <>
          <dl className="-mt-2 divide-y divide-slate-100">
            <Row term="Command">
              <Argv argv={hc.test[0] === "CMD" || hc.test[0] === "CMD-SHELL" ? hc.test.slice(1) : hc.test} />
            </Row>
            <Row term="Every">
              {ms(hc.intervalMs ?? 30_000)} · timeout {ms(hc.timeoutMs ?? 30_000)} · {hc.retries ?? 3} retries
              {hc.startPeriodMs ? ` · start period ${ms(hc.startPeriodMs)}` : ""}
            </Row>
            <Row term="Restart budget">{formatDuration(data.healthBudgetMs / 1000)} to become healthy after a restart</Row>
          </dl>
          {log.length ? (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-xs" data-testid="healthcheck-history">
                <caption className="sr-only">Recent health check runs, newest first</caption>
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-1.5 pr-3 font-medium">Started (UTC)</th>
                    <th className="py-1.5 pr-3 font-medium">Took</th>
                    <th className="py-1.5 pr-3 font-medium">Exit</th>
                    <th className="py-1.5 font-medium">Output</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 align-top">
                  {log.map((run, i) => {
                    const took = Date.parse(run.end) - Date.parse(run.start);
                    return (
                      <tr key={`${run.start}-${i}`}>
                        <td className="py-1.5 pr-3 whitespace-nowrap tabular-nums">{run.start.slice(11, 19)}</td>
                        <td className="py-1.5 pr-3 whitespace-nowrap tabular-nums">{Number.isFinite(took) ? `${took} ms` : "—"}</td>
                        <td className={`py-1.5 pr-3 font-semibold tabular-nums ${run.exitCode === 0 ? "text-emerald-700" : "text-red-700"}`}>{run.exitCode}</td>
                        <td className="py-1.5">
                          <pre className="max-h-20 max-w-md overflow-auto font-mono text-[11px] whitespace-pre-wrap text-slate-700">{run.output.trim() || "—"}</pre>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="mt-3 text-sm text-slate-600">No run yet.</p>
          )}
        </>
      ) : null}
    </Card>
  );
}

function Configuration({ data }: { data: ContainerPageData }) {
  const s = data.summary;
  return (
    <Card title="Configuration" description="From docker inspect. Secrets in command lines are masked.">
      <dl className="-my-2 divide-y divide-slate-100">
        <Row term="Image">
          <span className="font-mono text-xs break-all">{s.image}</span>
        </Row>
        <Row term="Command">
          <Argv argv={[...s.entrypoint, ...s.command]} />
        </Row>
        {s.workingDir ? <Row term="Working dir">{s.workingDir}</Row> : null}
        <Row term="User">{s.user || "image default"}</Row>
        <Row term="Restart policy">
          {s.restartPolicy.name}
          {s.restartPolicy.maximumRetryCount ? ` (at most ${s.restartPolicy.maximumRetryCount})` : ""}
        </Row>
        <Row term="Limits">
          memory {s.memoryLimitBytes ? formatBytes(s.memoryLimitBytes) : "none"} · CPUs {s.cpuLimit ?? "no limit"}
        </Row>
        <Row term="Network">
          {s.networkMode}
          {s.networks.length && !(s.networks.length === 1 && s.networks[0] === s.networkMode) ? ` · ${s.networks.join(", ")}` : ""}
        </Row>
        <Row term="Created">{formatUtc(s.createdAt)}</Row>
        <Row term="Started">{s.state.startedAt ? formatUtc(s.state.startedAt) : "—"}</Row>
        {s.state.finishedAt && !s.state.running ? (
          <Row term="Finished">
            {formatUtc(s.state.finishedAt)} · exit code {s.state.exitCode}
            {s.state.oomKilled ? " · killed: out of memory" : ""}
          </Row>
        ) : null}
        {s.state.error ? <Row term="Error">{s.state.error}</Row> : null}
      </dl>
    </Card>
  );
}

function Ports({ data }: { data: ContainerPageData }) {
  const ports = data.summary.ports;
  return (
    <Card title="Ports" description={data.summary.networkMode === "host" ? "Host network: the container uses the host's ports directly." : undefined}>
      {ports.length === 0 ? (
        <p className="text-sm text-slate-600">No published ports.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1.5 font-medium">Container</th>
              <th className="py-1.5 font-medium">Host</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {ports.map((p) => (
              <tr key={`${p.containerPort}-${p.hostIp}-${p.hostPort}`}>
                <td className="py-1.5 font-mono text-xs">{p.containerPort}</td>
                <td className="py-1.5 font-mono text-xs">{p.hostPort ? `${p.hostIp || "0.0.0.0"}:${p.hostPort}` : "not published"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Environment({ data }: { data: ContainerPageData }) {
  const { envKeys, secretEnvKeys } = data.summary;
  const secret = new Set(secretEnvKeys);
  return (
    <Card title="Environment" description="Variable names only: values never leave the server.">
      {envKeys.length === 0 ? (
        <p className="text-sm text-slate-600">No environment variables.</p>
      ) : (
        <ul className="flex flex-wrap gap-1.5" data-testid="env-keys">
          {envKeys.map((key) => (
            <li key={key} className="inline-flex items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 ring-1 ring-slate-200 ring-inset">
              {secret.has(key) ? <LockIcon className="size-3 text-amber-700" aria-label="looks secret" /> : null}
              {key}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Mounts({ data }: { data: ContainerPageData }) {
  const mounts = data.summary.mounts;
  return (
    <Card title="Mounts">
      {mounts.length === 0 ? (
        <p className="text-sm text-slate-600">No mounts.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1.5 pr-3 font-medium">In the container</th>
                <th className="py-1.5 pr-3 font-medium">Type</th>
                <th className="py-1.5 pr-3 font-medium">Source</th>
                <th className="py-1.5 font-medium">Mode</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {mounts.map((m) => (
                <tr key={m.destination}>
                  <td className="py-1.5 pr-3 font-mono text-xs">{m.destination}</td>
                  <td className="py-1.5 pr-3 text-xs">{m.type}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs break-all">{m.type === "volume" ? (m.name ?? m.source) : m.source}</td>
                  <td className="py-1.5 text-xs">{m.readOnly ? "read-only" : "read-write"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function Labels({ data }: { data: ContainerPageData }) {
  const labels = Object.entries(data.summary.labels).sort(([a], [b]) => a.localeCompare(b));
  if (labels.length === 0) return null;
  return (
    <details className="rounded-xl border border-slate-200 bg-white shadow-xs">
      <summary className="cursor-pointer px-5 py-3 text-sm font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600">Labels ({labels.length})</summary>
      <dl className="divide-y divide-slate-100 border-t border-slate-100 px-5 py-2">
        {labels.map(([k, v]) => (
          <div key={k} className="grid gap-1 py-1.5 text-xs sm:grid-cols-[minmax(0,20rem)_minmax(0,1fr)] sm:gap-3">
            <dt className="font-mono break-all text-slate-600">{k}</dt>
            <dd className="font-mono break-all text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
