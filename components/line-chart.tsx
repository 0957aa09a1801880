/**
 * A time-series line chart (the container page's 24-hour CPU and memory): SVG that stretches to
 * its box, with HTML axis labels (so text is never distorted), gaps where no sample exists, and
 * dashed warn / critical threshold lines. No hooks: a Server Component can render it.
 */
export type ChartPoint = { t: number; v: number | null };

export type LineChartProps = {
  /** Accessible name, e.g. "CPU over the last 24 hours". */
  label: string;
  points: readonly ChartPoint[];
  from: number;
  to: number;
  /** Top of the y scale; default the largest value (at least minYMax). */
  yMax?: number;
  minYMax?: number;
  formatY: (v: number) => string;
  thresholds?: { warn?: number; critical?: number };
  /** A break in the line when two points are further apart than this (default 3 min). */
  gapMs?: number;
  height?: number;
};

const W = 1000;

export function LineChart({ label, points, from, to, yMax, minYMax = 1, formatY, thresholds, gapMs = 180_000, height = 140 }: LineChartProps) {
  const values = points.map((p) => p.v).filter((v): v is number => v !== null);
  const top = yMax ?? niceCeil(Math.max(minYMax, ...values, 0));
  const H = 100;
  const x = (t: number) => ((t - from) / (to - from || 1)) * W;
  const y = (v: number) => H - (Math.min(Math.max(v, 0), top) / (top || 1)) * H;
  const runs: string[] = [];
  let run: string[] = [];
  let last: number | null = null;
  for (const p of points) {
    if (p.v === null || (last !== null && p.t - last > gapMs)) {
      if (run.length) runs.push(run.join(" "));
      run = [];
    }
    if (p.v !== null) run.push(`${x(p.t).toFixed(1)},${y(p.v).toFixed(2)}`);
    last = p.t;
  }
  if (run.length) runs.push(run.join(" "));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => from + f * (to - from));
  const latest = values.at(-1);
  const peak = values.length ? Math.max(...values) : null;
  const summary = values.length
    ? `${label}: ${values.length} minutes with data, peak ${formatY(peak!)}, latest ${formatY(latest!)}`
    : `${label}: no samples stored yet`;

  return (
    <figure className="min-w-0">
      <div className="flex">
        <div className="relative w-14 shrink-0 text-right text-[11px] text-slate-500 tabular-nums" style={{ height }}>
          <span className="absolute right-2 -translate-y-1/2" style={{ top: 0 }}>
            {formatY(top)}
          </span>
          <span className="absolute right-2 -translate-y-1/2" style={{ top: height / 2 }}>
            {formatY(top / 2)}
          </span>
          <span className="absolute right-2 -translate-y-1/2" style={{ top: height }}>
            {formatY(0)}
          </span>
        </div>
        <div className="relative min-w-0 flex-1 rounded-sm border-b border-l border-slate-300" style={{ height }}>
          <svg role="img" aria-label={summary} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="absolute inset-0 size-full overflow-visible">
            <line x1={0} x2={W} y1={H / 2} y2={H / 2} className="stroke-slate-200" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            <line x1={0} x2={W} y1={0} y2={0} className="stroke-slate-200" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            {thresholds?.warn !== undefined && thresholds.warn < top ? (
              <line x1={0} x2={W} y1={y(thresholds.warn)} y2={y(thresholds.warn)} className="stroke-amber-500" strokeWidth={1} strokeDasharray="4 4" vectorEffect="non-scaling-stroke" />
            ) : null}
            {thresholds?.critical !== undefined && thresholds.critical < top ? (
              <line x1={0} x2={W} y1={y(thresholds.critical)} y2={y(thresholds.critical)} className="stroke-red-500" strokeWidth={1} strokeDasharray="4 4" vectorEffect="non-scaling-stroke" />
            ) : null}
            {runs.map((line, i) =>
              line.includes(" ") ? (
                <polyline key={i} points={line} fill="none" className="stroke-sky-600" strokeWidth={1.5} strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
              ) : (
                <line
                  key={i}
                  x1={Number(line.split(",")[0]) - 2}
                  x2={Number(line.split(",")[0]) + 2}
                  y1={Number(line.split(",")[1])}
                  y2={Number(line.split(",")[1])}
                  className="stroke-sky-600"
                  strokeWidth={2}
                  vectorEffect="non-scaling-stroke"
                />
              ),
            )}
          </svg>
          {values.length === 0 ? (
            <p className="absolute inset-0 flex items-center justify-center px-3 text-center text-xs text-slate-500 sm:text-sm">No samples stored yet (one point per minute while it runs).</p>
          ) : null}
        </div>
      </div>
      <div className="relative mt-1 ml-14 h-4 text-[11px] text-slate-500 tabular-nums">
        {ticks.map((t, i) => (
          <span
            key={t}
            className={`absolute ${i === 0 ? "" : i === ticks.length - 1 ? "-translate-x-full" : "-translate-x-1/2"} ${i % 2 === 1 ? "hidden sm:inline" : ""}`}
            style={{ left: `${(i / (ticks.length - 1)) * 100}%` }}
          >
            {i === ticks.length - 1 ? "now" : `${Math.round((to - t) / 3_600_000)} h ago`}
          </span>
        ))}
      </div>
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}

/** 1, 2, 2.5, 5 × 10^n at or above v. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
