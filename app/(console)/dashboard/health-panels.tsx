"use client";

/** The dashboard's other panels: summary tiles, what needs attention, probes, engines, disk. */
import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/card";
import { StatusBadge, type Status } from "@/components/status-badge";
import { useNow } from "@/components/live";
import type { ContainersPayload, HealthPayload, ProbeView } from "@/lib/dashboard/payloads";
import type { Level } from "@/lib/docker/thresholds";
import { formatAgo, formatBytes, formatPercent } from "@/lib/format/units";

const LEVEL_STATUS: Record<Level, Status> = { ok: "ok", warn: "warn", critical: "critical" };

function Tile({ label, value, detail, tone = "neutral", className }: { label: string; value: ReactNode; detail?: ReactNode; tone?: "neutral" | Level; className?: string }) {
  const ring = tone === "critical" ? "border-red-300 bg-red-50" : tone === "warn" ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white";
  const text = tone === "critical" ? "text-red-800" : tone === "warn" ? "text-amber-900" : "text-slate-900";
  return (
    <div className={`rounded-xl border px-4 py-3 shadow-xs ${ring} ${className ?? ""}`}>
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums ${text}`}>{value}</dd>
      {detail ? <dd className="mt-0.5 text-xs text-slate-600">{detail}</dd> : null}
    </div>
  );
}

export function SummaryTiles({ containers, health }: { containers: ContainersPayload; health: HealthPayload | undefined }) {
  const s = containers.summary;
  const probes = health?.probes.results ?? [];
  const probesOk = probes.filter((p) => p.ok && p.status === "ok").length;
  const probesBad = probes.filter((p) => !p.ok).length;
  const enginesUp = containers.engines.filter((e) => e.reachable).length;
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      <Tile label="Running" value={`${s.running}/${s.containers}`} detail={s.stopped ? `${s.stopped} stopped` : "none stopped"} tone={s.stopped ? "warn" : "neutral"} />
      <Tile label="Unhealthy" value={s.unhealthy} detail="failing health checks" tone={s.unhealthy ? "critical" : "neutral"} />
      <Tile label="Crash looping" value={s.crashLooping} detail={`> ${containers.thresholds.restartsPerHour.warn} restarts in an hour`} tone={s.crashLooping ? "critical" : "neutral"} />
      <Tile
        label="Probes"
        value={probes.length ? `${probesOk}/${probes.length}` : "—"}
        detail={probes.length ? (probesBad ? `${probesBad} failing` : "all answering") : "none configured"}
        tone={probesBad ? "critical" : probes.length && probesOk < probes.length ? "warn" : "neutral"}
      />
      <Tile
        className="max-sm:col-span-2"
        label="Engines"
        value={`${enginesUp}/${containers.engines.length}`}
        detail={enginesUp < containers.engines.length ? "unreachable engine" : "reachable"}
        tone={enginesUp < containers.engines.length ? "critical" : "neutral"}
      />
    </dl>
  );
}

export function AttentionList({ health }: { health: HealthPayload }) {
  if (health.attention.length === 0) {
    return (
      <p className="flex items-center gap-2 rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900" data-testid="all-good">
        <StatusBadge status="ok" label="All good" /> Every container, probe, engine, disk and backup is within its limits.
      </p>
    );
  }
  const shown = health.attention.slice(0, 8);
  return (
    <section aria-labelledby="attention-heading" className="rounded-xl border border-slate-200 bg-white shadow-xs">
      <h2 id="attention-heading" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
        Needs attention <span className="font-normal text-slate-500">({health.attention.length})</span>
      </h2>
      <ul className="divide-y divide-slate-100">
        {shown.map((item, i) => (
          <li key={`${item.subject}-${i}`} className="flex flex-col gap-1 px-4 py-2.5 text-sm sm:flex-row sm:items-start sm:gap-3">
            <StatusBadge status={LEVEL_STATUS[item.level]} label={item.level === "critical" ? "Critical" : "Warning"} className="self-start" />
            <p className="min-w-0 text-slate-800">
              {item.containerId ? (
                <Link href={`/containers/${item.containerId}`} className="font-medium text-sky-800 hover:underline">
                  {item.subject}
                </Link>
              ) : item.href ? (
                <Link href={item.href} className="font-medium text-sky-800 hover:underline">
                  {item.subject}
                </Link>
              ) : (
                <span className="font-medium">{item.subject}</span>
              )}
              : <span className="break-words">{item.text}</span>
            </p>
          </li>
        ))}
      </ul>
      {health.attention.length > shown.length ? <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-600">…and {health.attention.length - shown.length} more below.</p> : null}
    </section>
  );
}

const PROBE_STATUS: Record<ProbeView["status"], { status: Status; label: string }> = {
  ok: { status: "ok", label: "OK" },
  warn: { status: "warn", label: "Warning" },
  critical: { status: "critical", label: "Failing" },
  stale: { status: "warn", label: "Stale" },
  unknown: { status: "unknown", label: "Unknown" },
};

const PROBE_TYPE: Record<ProbeView["type"], string> = { http: "HTTP", tcp: "TCP", postgres: "Postgres", redis: "Redis", clickhouse: "ClickHouse", tls: "TLS", disk: "Disk" };

export function ProbesPanel({ health }: { health: HealthPayload | undefined }) {
  const now = useNow(5_000);
  const probes = health?.probes;
  return (
    <Card
      title="Probes"
      description="Health endpoints and databases answering, from opsdeck.yaml."
      footer={probes ? <>Every {Math.round(probes.intervalMs / 1000)} s · last run {formatAgo(probes.lastRunAt, now)}</> : "Loading…"}
    >
      {!probes ? (
        <p className="text-sm text-slate-600">Loading probe results…</p>
      ) : probes.results.length === 0 && probes.notRun.length === 0 ? (
        <p className="text-sm text-slate-600">
          No probes configured. Add HTTP, TCP, Postgres, Redis, ClickHouse, TLS or disk probes under <code className="font-mono text-xs">probes:</code> in opsdeck.yaml
          {health?.configFile ? "" : " (set OPSDECK_CONFIG to its path)"}.
        </p>
      ) : (
        <ul className="-my-2 divide-y divide-slate-100" data-testid="probes">
          {probes.results.map((p) => (
            <li key={p.name} className="py-2.5" data-probe={p.name} data-status={p.status}>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <StatusBadge {...PROBE_STATUS[p.status]} />
                <span className="text-sm font-medium text-slate-900">{p.name}</span>
                <span className="text-xs text-slate-500">
                  {PROBE_TYPE[p.type]}
                  {p.service ? ` · ${p.service}` : ""}
                </span>
                <span className="ml-auto text-xs text-slate-600 tabular-nums">{p.latencyMs} ms</span>
              </div>
              <p className="mt-1 text-xs break-words text-slate-600">{p.detail}</p>
              {p.outdated ? <p className="mt-1 text-xs font-medium text-amber-800">Result is old: last checked {formatAgo(p.checkedAt, now)}.</p> : null}
              {p.advice ? <p className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-950 ring-1 ring-amber-200 ring-inset">{p.advice}</p> : null}
            </li>
          ))}
          {probes.notRun.map((p) => (
            <li key={p.name} className="py-2.5">
              <div className="flex flex-wrap items-center gap-2">
                <StatusBadge status="unknown" label="Not run" />
                <span className="text-sm font-medium text-slate-900">{p.name}</span>
              </div>
              <p className="mt-1 text-xs text-slate-600">{p.problem}</p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function EnginesPanel({ containers }: { containers: ContainersPayload }) {
  const now = useNow(5_000);
  return (
    <Card title="Docker engines" description="Where the containers run.">
      <ul className="-my-2 divide-y divide-slate-100" data-testid="engines">
        {containers.engines.map((e) => (
          <li key={e.id} className="py-2.5" data-engine={e.id} data-reachable={e.reachable}>
            <div className="flex flex-wrap items-center gap-2">
              <StatusBadge status={e.reachable ? "ok" : "critical"} label={e.reachable ? "Reachable" : "Unreachable"} />
              <span className="text-sm font-medium text-slate-900">{e.name}</span>
              {e.version ? <span className="text-xs text-slate-500">Docker {e.version}</span> : null}
            </div>
            <p className="mt-1 font-mono text-[11px] break-all text-slate-600">{e.endpoint}</p>
            {!e.reachable ? (
              <p className="mt-1 text-xs text-red-800">
                {e.lastReachedAt ? `Last reached ${formatAgo(e.lastReachedAt, now)}` : "Not reached since the console started"}
                {e.lastError ? ` · ${e.lastError}` : ""}
                {e.refreshedAt ? ` · containers shown as listed ${formatAgo(e.refreshedAt, now)}` : ""}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Meter({ percent, level, label }: { percent: number; level: Level; label: string }) {
  const bar = level === "critical" ? "bg-red-600" : level === "warn" ? "bg-amber-500" : "bg-sky-600";
  return (
    <div role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)} aria-label={label} className="h-2 w-full overflow-hidden rounded-full bg-slate-100">
      <div className={`h-full rounded-full ${bar}`} style={{ width: `${Math.min(100, Math.max(1, percent))}%` }} />
    </div>
  );
}

function FsRow({ title, path, usage }: { title: string; path: string; usage: { percentUsed: number; availableBytes: number; totalBytes: number; level: Level } }) {
  return (
    <div>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="min-w-0 truncate font-medium text-slate-900" title={path}>
          {title}
        </span>
        <span className={`shrink-0 tabular-nums ${usage.level === "critical" ? "font-semibold text-red-700" : usage.level === "warn" ? "font-semibold text-amber-800" : "text-slate-700"}`}>
          {formatPercent(usage.percentUsed)} used
        </span>
      </div>
      <Meter percent={usage.percentUsed} level={usage.level} label={`${title}: ${usage.percentUsed.toFixed(0)} percent used`} />
      <p className="mt-1 truncate text-[11px] text-slate-500" title={path}>
        {formatBytes(usage.availableBytes)} free of {formatBytes(usage.totalBytes)} · <span className="font-mono">{path}</span>
      </p>
    </div>
  );
}

export function DiskPanel({ health, engineNames }: { health: HealthPayload | undefined; engineNames: Map<string, string> }) {
  const now = useNow(10_000);
  const disk = health?.disk;
  return (
    <Card
      title="Disk"
      description={health ? `Warn above ${health.thresholds.diskPercent.warn} %, critical above ${health.thresholds.diskPercent.critical} %.` : undefined}
      footer={disk?.measuredAt ? <>docker system df {formatAgo(disk.measuredAt, now)} · refreshed every 5 min</> : "Measuring…"}
    >
      {!disk ? (
        <p className="text-sm text-slate-600">Measuring disk use…</p>
      ) : (
        <div className="space-y-4" data-testid="disk">
          {disk.paths.map((p) =>
            p.usage ? (
              <FsRow key={p.path} title={p.label} path={p.path} usage={p.usage} />
            ) : (
              <p key={p.path} className="text-sm text-slate-600">
                {p.label}: {p.error ?? "not measured yet"}
              </p>
            ),
          )}
          {disk.engines.map((e) => {
            const name = engineNames.get(e.engineId) ?? e.engineId;
            if (!e.usage) return <p key={e.engineId} className="text-sm text-slate-600">{`${name}: ${e.error ?? "not measured yet"}`}</p>;
            const u = e.usage;
            const volumes = u.volumes.slice(0, 6);
            return (
              <div key={e.engineId} className="space-y-2">
                {u.dataRootFs ? <FsRow title={`Docker data (${name})`} path={u.dataRootFs.path} usage={u.dataRootFs} /> : <p className="text-sm font-medium text-slate-900">Docker data ({name})</p>}
                <p className="text-xs text-slate-600 tabular-nums">
                  Images {formatBytes(u.imagesBytes)} · containers {formatBytes(u.containersBytes)} · build cache {formatBytes(u.buildCacheBytes)}
                </p>
                {volumes.length ? (
                  <table className="w-full text-xs">
                    <caption className="sr-only">Largest volumes on {name}</caption>
                    <thead>
                      <tr className="text-left text-slate-500">
                        <th className="py-1 font-medium">Volume</th>
                        <th className="py-1 text-right font-medium">Size</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {volumes.map((v) => (
                        <tr key={v.name}>
                          <td className="max-w-0 truncate py-1 pr-2 font-mono text-[11px] text-slate-800" title={v.name}>
                            {v.name}
                          </td>
                          <td className="py-1 text-right whitespace-nowrap text-slate-700 tabular-nums">{v.sizeBytes === null ? "—" : formatBytes(v.sizeBytes)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {u.volumes.length > volumes.length ? <p className="text-[11px] text-slate-500">and {u.volumes.length - volumes.length} smaller volumes</p> : null}
              </div>
            );
          })}
        </div>
      )}
    </Card>
  );
}
