"use client";

/**
 * The dashboard's containers: grouped by engine/stack and service, filtered and sorted on the
 * client (needing attention first by default: crash loops, unhealthy, stopped, then warnings).
 */
import Link from "next/link";
import { useId, useMemo, useState } from "react";
import { HealthDetails } from "@/components/container-status";
import { inputStyles } from "@/components/form-styles";
import { LockIcon } from "@/components/icons";
import { Sparkline } from "@/components/sparkline";
import { StatusBadge } from "@/components/status-badge";
import type { ContainersPayload, DashboardContainer, DashboardService, DashboardStack } from "@/lib/dashboard/payloads";
import type { Level, Thresholds } from "@/lib/docker/thresholds";
import { formatBytes, formatDuration, formatPercent } from "@/lib/format/units";

type SortKey = "attention" | "name" | "cpu" | "memory" | "restarts";
type FilterKey = "all" | "attention" | "running" | "stopped";

const SORTS: Record<SortKey, { label: string; compare: (a: DashboardContainer, b: DashboardContainer) => number }> = {
  attention: { label: "Attention first", compare: (a, b) => a.attention - b.attention || a.name.localeCompare(b.name) },
  name: { label: "Name", compare: (a, b) => (a.service ?? a.name).localeCompare(b.service ?? b.name) || a.name.localeCompare(b.name) },
  cpu: { label: "CPU (highest first)", compare: (a, b) => (b.stats?.cpuPercent ?? -1) - (a.stats?.cpuPercent ?? -1) },
  memory: { label: "Memory (highest first)", compare: (a, b) => (b.stats?.memPercent ?? -1) - (a.stats?.memPercent ?? -1) },
  restarts: { label: "Restarts (most first)", compare: (a, b) => b.restartsLastHour - a.restartsLastHour || b.restartCount - a.restartCount },
};

const FILTERS: Record<FilterKey, { label: string; keep: (c: DashboardContainer) => boolean }> = {
  all: { label: "All containers", keep: () => true },
  attention: { label: "Needing attention", keep: (c) => c.levels.overall !== "ok" },
  running: { label: "Running", keep: (c) => c.state === "running" },
  stopped: { label: "Not running", keep: (c) => c.state !== "running" },
};

const LEVEL_STATUS: Record<Level, "ok" | "warn" | "critical"> = { ok: "ok", warn: "warn", critical: "critical" };
const LEVEL_TEXT: Record<Level, string> = { ok: "text-slate-900", warn: "text-amber-800 font-semibold", critical: "text-red-700 font-semibold" };

type View = { stack: DashboardStack; services: Array<{ service: DashboardService; containers: DashboardContainer[] }> };

export function ContainersPanel({ data, stale }: { data: ContainersPayload; stale: boolean }) {
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<FilterKey>("all");
  const [sort, setSort] = useState<SortKey>("attention");
  const ids = { q: useId(), f: useId(), s: useId() };
  const multiEngine = data.engines.length > 1;

  const views = useMemo<View[]>(() => {
    const needle = query.trim().toLowerCase();
    const matches = (c: DashboardContainer) =>
      !needle || [c.name, c.service ?? "", c.project ?? "", c.image, c.shortId].some((s) => s.toLowerCase().includes(needle));
    const { compare } = SORTS[sort];
    const out: View[] = [];
    for (const stack of data.stacks) {
      const services = stack.services
        .map((service) => ({ service, containers: service.containers.filter((c) => FILTERS[filter].keep(c) && matches(c)).sort(compare) }))
        .filter((s) => s.containers.length > 0)
        .sort((a, b) => compare(a.containers[0]!, b.containers[0]!) || a.service.service.localeCompare(b.service.service));
      if (services.length) out.push({ stack, services });
    }
    return out.sort((a, b) => compare(a.services[0]!.containers[0]!, b.services[0]!.containers[0]!) || (a.stack.project ?? "~").localeCompare(b.stack.project ?? "~"));
  }, [data, query, filter, sort]);

  const shown = views.reduce((n, v) => n + v.services.reduce((m, s) => m + s.containers.length, 0), 0);

  return (
    <section aria-labelledby="containers-heading" className={stale ? "opacity-70 transition-opacity" : ""}>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h2 id="containers-heading" className="text-base font-semibold text-slate-900">
            Containers
          </h2>
          <p className="text-sm text-slate-600" aria-live="polite">
            {shown === data.summary.containers ? `${shown} containers` : `${shown} of ${data.summary.containers} containers`} · CPU and memory lines show the last 15 minutes
          </p>
        </div>
        <div className="grid grid-cols-2 gap-2 sm:flex sm:items-end">
          <div className="col-span-2 sm:w-52">
            <label htmlFor={ids.q} className="block text-xs font-medium text-slate-600">
              Search
            </label>
            <input id={ids.q} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Name, service, image…" className={`mt-1 ${inputStyles}`} />
          </div>
          <div>
            <label htmlFor={ids.f} className="block text-xs font-medium text-slate-600">
              Show
            </label>
            <select id={ids.f} value={filter} onChange={(e) => setFilter(e.target.value as FilterKey)} className={`mt-1 ${inputStyles}`}>
              {Object.entries(FILTERS).map(([key, f]) => (
                <option key={key} value={key}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.s} className="block text-xs font-medium text-slate-600">
              Sort
            </label>
            <select id={ids.s} value={sort} onChange={(e) => setSort(e.target.value as SortKey)} className={`mt-1 ${inputStyles}`}>
              {Object.entries(SORTS).map(([key, s]) => (
                <option key={key} value={key}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>

      {views.length === 0 ? (
        <p className="mt-4 rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
          {data.summary.containers === 0 ? "No containers on the watched engines." : "No container matches the search and filter."}
        </p>
      ) : (
        <div className="mt-4 space-y-4">
          {views.map((view) => (
            <StackGroup key={`${view.stack.engineId}/${view.stack.project ?? ""}`} view={view} thresholds={data.thresholds} showEngine={multiEngine} />
          ))}
        </div>
      )}
    </section>
  );
}

const GRID = "md:grid md:grid-cols-[minmax(0,1.9fr)_minmax(0,0.95fr)_4.5rem_4.5rem_minmax(0,1.1fr)_minmax(0,1.45fr)] md:items-center md:gap-x-4";

function StackGroup({ view, thresholds, showEngine }: { view: View; thresholds: Thresholds; showEngine: boolean }) {
  const { stack } = view;
  const count = view.services.reduce((n, s) => n + s.containers.length, 0);
  const needing = view.services.reduce((n, s) => n + s.containers.filter((c) => c.levels.overall !== "ok").length, 0);
  return (
    <section aria-label={`Stack ${stack.project ?? "standalone containers"}`} className="rounded-xl border border-slate-200 bg-white shadow-xs" data-stack={stack.project ?? ""}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-100 px-4 py-3">
        <h3 className="text-sm font-semibold text-slate-900">{stack.project ?? "Standalone containers"}</h3>
        <StatusBadge status={LEVEL_STATUS[stack.level]} label={stack.level === "ok" ? "All good" : stack.level === "warn" ? "Warning" : "Critical"} />
        <span className="text-xs text-slate-600">
          {count} container{count === 1 ? "" : "s"}
          {needing ? ` · ${needing} need${needing === 1 ? "s" : ""} attention` : ""}
          {showEngine ? ` · engine ${stack.engineName}` : ""}
        </span>
      </header>
      <div className={`hidden border-b border-slate-100 px-4 py-2 text-xs font-medium text-slate-500 ${GRID}`} aria-hidden>
        <span>Service / container</span>
        <span>Status</span>
        <span>Restarts</span>
        <span>Uptime</span>
        <span>CPU</span>
        <span>Memory</span>
      </div>
      <ul className="divide-y divide-slate-100">
        {view.services.map(({ service, containers }) => (
          <li key={service.service}>
            {containers.length > 1 || service.service !== (containers[0]!.service ?? containers[0]!.name) ? (
              <div className="flex items-center gap-2 bg-slate-50 px-4 py-1.5 text-xs font-medium text-slate-700">
                <span>{service.service}</span>
                <ServiceTags service={service} />
                <span className="font-normal text-slate-500">· {containers.length} containers</span>
              </div>
            ) : null}
            <ul className="divide-y divide-slate-100">
              {containers.map((c) => (
                <ContainerRowView key={c.id} c={c} service={service} solo={containers.length === 1 && service.service === (c.service ?? c.name)} thresholds={thresholds} />
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ServiceTags({ service }: { service: DashboardService }) {
  return (
    <>
      {service.kind && service.kind !== "app" ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-700 ring-1 ring-slate-200 ring-inset">{service.kind}</span> : null}
      {service.stateful ? (
        <span className="inline-flex items-center gap-0.5 text-[11px] text-slate-600" title="Holds data: restarts and stops ask for its name">
          <LockIcon className="size-3" />
          stateful
        </span>
      ) : null}
    </>
  );
}

function MobileLabel({ children }: { children: string }) {
  return <span className="block text-[11px] font-medium text-slate-500 md:sr-only">{children}</span>;
}

function LevelTag({ level }: { level: Level }) {
  if (level === "ok") return null;
  return (
    <span className={`rounded px-1 py-px text-[10px] font-bold tracking-wide uppercase ${level === "critical" ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-900"}`}>
      {level === "critical" ? "crit" : "warn"}
    </span>
  );
}

function ContainerRowView({ c, service, solo, thresholds }: { c: DashboardContainer; service: DashboardService; solo: boolean; thresholds: Thresholds }) {
  const cpuLevel = c.levels.cpu;
  const memLevel = c.levels.memory;
  const stats = c.stats;
  // Phones: name and status on the first line, then CPU | memory, then restarts | uptime.
  return (
    <li className={`grid grid-cols-6 gap-x-3 gap-y-2.5 px-4 py-3 ${GRID}`} data-container={c.name} data-testid="container-row">
      <div className="col-span-4 min-w-0 md:col-span-1">
        <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-0.5">
          <Link
            href={`/containers/${c.id}`}
            title={c.name}
            className="truncate text-sm font-semibold text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            {solo ? (c.service ?? c.name) : c.name}
          </Link>
          {solo ? <ServiceTags service={service} /> : null}
        </div>
        {solo && c.service ? <p className="truncate text-xs text-slate-600">{c.name}</p> : null}
        <p className="truncate font-mono text-[11px] text-slate-500" title={`${c.image} · ${c.shortId}`}>
          {shortRepo(c.imageRepo)}:{c.imageTag.length > 24 ? `${c.imageTag.slice(0, 23)}…` : c.imageTag}
        </p>
      </div>

      <div className="col-span-2 min-w-0 md:col-span-1">
        <span className="sr-only">Status</span>
        <div className="flex flex-wrap items-center justify-end gap-1 md:justify-start">
          <HealthDetails container={c} align="responsive" />
          {c.crashLoop ? <StatusBadge status="critical" label="Crash loop" /> : null}
        </div>
      </div>

      <div className="col-span-3 max-md:order-last md:col-span-1">
        <MobileLabel>Restarts</MobileLabel>
        <p className={`text-sm tabular-nums ${c.restartsLastHour > 0 ? LEVEL_TEXT[c.levels.restarts === "ok" ? "warn" : c.levels.restarts] : "text-slate-900"}`}>
          {c.restartsLastHour}
          <span className="text-xs font-normal text-slate-500"> /h</span>
          <span className="text-[11px] font-normal text-slate-500 md:block" title="Restarts by the restart policy since the container was last started by hand">
            <span className="md:hidden"> · </span>
            {c.restartCount} by policy
          </span>
        </p>
      </div>

      <div className="col-span-3 max-md:order-last md:col-span-1">
        <MobileLabel>Uptime</MobileLabel>
        <p className="text-sm text-slate-900 tabular-nums">{c.state === "running" ? formatDuration(c.uptimeSeconds) : "—"}</p>
      </div>

      <div className="col-span-3 min-w-0 md:col-span-1">
        <MobileLabel>CPU</MobileLabel>
        <div className="flex flex-wrap items-center gap-x-2">
          <div className="w-14 shrink-0">
            <p className={`text-sm tabular-nums ${LEVEL_TEXT[cpuLevel]}`}>{stats ? formatPercent(stats.cpuPercent) : "—"}</p>
            <LevelTag level={cpuLevel} />
          </div>
          {c.spark ? <Sparkline values={c.spark.cpu} minMax={Math.min(5, thresholds.cpuPercent.warn)} tone={cpuLevel} label="CPU over the last 15 minutes" width={64} /> : null}
        </div>
      </div>

      <div className="col-span-3 min-w-0 md:col-span-1">
        <MobileLabel>Memory</MobileLabel>
        <div className="flex flex-wrap items-center gap-x-2">
          <div className="min-w-0 shrink-0">
            <p className={`text-sm tabular-nums ${LEVEL_TEXT[memLevel]}`}>
              {stats ? formatPercent(stats.memPercent) : "—"} <LevelTag level={memLevel} />
            </p>
            {stats ? (
              <p className="text-[11px] whitespace-nowrap text-slate-500 tabular-nums">
                {formatBytes(stats.memUsedBytes)} / {formatBytes(stats.memLimitBytes)}
              </p>
            ) : null}
          </div>
          {c.spark ? <Sparkline values={c.spark.mem} minMax={16 * 1024 * 1024} tone={memLevel} label="Memory used over the last 15 minutes" unit="bytes" width={56} /> : null}
        </div>
      </div>
    </li>
  );
}

/** "docker.io/library/postgres" → "postgres"; keeps the last two path parts of long registry paths. */
function shortRepo(repo: string): string {
  const parts = repo.split("/");
  const trimmed = parts[0]?.includes(".") || parts[0]?.includes(":") ? parts.slice(1) : parts;
  const withoutLibrary = trimmed[0] === "library" ? trimmed.slice(1) : trimmed;
  return withoutLibrary.slice(-2).join("/");
}
