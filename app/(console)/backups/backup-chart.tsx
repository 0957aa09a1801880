/**
 * Size and duration of a service's successful backups over time: two small SVG line charts (the
 * style of components/line-chart.tsx) with a marker per backup, HTML axis labels, and an accessible
 * summary. No hooks: renders anywhere.
 */
import { niceCeil } from "@/components/line-chart";
import { formatBytes } from "@/lib/format/units";
import { formatMs } from "./format";

type Point = { t: number; v: number };

const W = 1000;
const H = 100;

function Trend({ label, points, format, tone }: { label: string; points: Point[]; format: (v: number) => string; tone: "sky" | "violet" }) {
  const from = points[0]?.t ?? 0;
  const to = points.at(-1)?.t ?? 1;
  const top = niceCeil(Math.max(...points.map((p) => p.v), 1));
  const x = (t: number) => (to === from ? W / 2 : ((t - from) / (to - from)) * W);
  const y = (v: number) => H - (Math.max(0, v) / top) * H;
  const line = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(2)}`).join(" ");
  const stroke = tone === "sky" ? "stroke-sky-600" : "stroke-violet-600";
  const values = points.map((p) => p.v);
  const summary = `${label}: ${points.length} backups, from ${format(Math.min(...values))} to ${format(Math.max(...values))}, latest ${format(values.at(-1)!)}`;
  const day = (t: number) => new Date(t).toISOString().slice(5, 10);
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium text-slate-700">{label}</span>
        <span className="text-slate-600 tabular-nums">latest {format(values.at(-1)!)}</span>
      </figcaption>
      <div className="flex">
        <div className="relative w-16 shrink-0 text-right text-[11px] text-slate-500 tabular-nums" style={{ height: 72 }}>
          <span className="absolute right-2 -translate-y-1/2" style={{ top: 0 }}>
            {format(top)}
          </span>
          <span className="absolute right-2 -translate-y-1/2" style={{ top: 72 }}>
            0
          </span>
        </div>
        <div className="relative h-[72px] min-w-0 flex-1 border-b border-l border-slate-300">
          <svg role="img" aria-label={summary} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="absolute inset-0 size-full overflow-visible">
            <line x1={0} x2={W} y1={0} y2={0} className="stroke-slate-200" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            <line x1={0} x2={W} y1={H / 2} y2={H / 2} className="stroke-slate-100" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            {points.length > 1 ? <polyline points={line} fill="none" className={stroke} strokeWidth={1.5} strokeLinejoin="round" vectorEffect="non-scaling-stroke" /> : null}
            {points.map((p) => (
              // A zero-length line with round caps: a round marker that the stretched viewBox does not distort.
              <line key={p.t} x1={x(p.t)} x2={x(p.t)} y1={y(p.v)} y2={y(p.v)} className={stroke} strokeWidth={6} strokeLinecap="round" vectorEffect="non-scaling-stroke" />
            ))}
          </svg>
        </div>
      </div>
      <div className="mt-1 ml-16 flex justify-between text-[11px] text-slate-500 tabular-nums">
        <span>{day(from)}</span>
        {to !== from ? <span>{day(to)}</span> : null}
      </div>
    </figure>
  );
}

export function BackupTrends({ runs }: { runs: ReadonlyArray<{ status: string; createdAt: string; totalBytes: number | null; durationMs: number | null }> }) {
  const ok = runs.filter((r) => r.status === "succeeded").sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const size = ok.filter((r) => r.totalBytes !== null).map((r) => ({ t: Date.parse(r.createdAt), v: r.totalBytes! }));
  const duration = ok.filter((r) => r.durationMs !== null).map((r) => ({ t: Date.parse(r.createdAt), v: r.durationMs! }));
  if (size.length === 0) {
    return <p className="rounded-md border border-dashed border-slate-200 px-3 py-4 text-center text-sm text-slate-600">The size and duration charts appear after the first successful backup.</p>;
  }
  return (
    <div className="grid gap-4 sm:grid-cols-2" data-testid="backup-trends">
      <Trend label="Size" points={size} format={formatBytes} tone="sky" />
      <Trend label="Duration" points={duration} format={formatMs} tone="violet" />
    </div>
  );
}
