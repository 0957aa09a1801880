/**
 * A tiny inline SVG line chart for a table cell: the values in order, gaps where a value is null,
 * a faint area under the line. Scale: 0 to `max` (default the largest value; `minMax` keeps a flat
 * low line from looking like a spike). No hooks: works in Server and Client Components.
 */
import type { Level } from "@/lib/docker/thresholds";
import { formatBytes, formatPercent } from "@/lib/format/units";

const TONES: Record<Level | "neutral", { stroke: string; fill: string; dot: string }> = {
  neutral: { stroke: "stroke-sky-600", fill: "fill-sky-500/10", dot: "fill-sky-600" },
  ok: { stroke: "stroke-sky-600", fill: "fill-sky-500/10", dot: "fill-sky-600" },
  warn: { stroke: "stroke-amber-600", fill: "fill-amber-500/15", dot: "fill-amber-600" },
  critical: { stroke: "stroke-red-600", fill: "fill-red-500/15", dot: "fill-red-600" },
};

export type SparklineProps = {
  values: ReadonlyArray<number | null>;
  /** Top of the scale; default max(values, minMax). */
  max?: number;
  /** Smallest top of the scale when `max` is not given. */
  minMax?: number;
  width?: number;
  height?: number;
  tone?: Level | "neutral";
  /** What the line shows, for screen readers ("CPU over the last 15 minutes"). */
  label: string;
  /** How values read in the accessible summary. */
  unit?: "percent" | "bytes";
  className?: string;
};

export function Sparkline({ values, max, minMax = 1, width = 88, height = 22, tone = "neutral", label, unit = "percent", className }: SparklineProps) {
  const present = values.filter((v): v is number => v !== null);
  // Headroom above the highest reading, so a steady line does not sit on the top edge.
  const top = max ?? Math.max(minMax, Math.max(...present, 0) * 1.15);
  const n = values.length;
  const x = (i: number) => (n <= 1 ? width : (i / (n - 1)) * width);
  const y = (v: number) => height - 1 - (Math.min(Math.max(v, 0), top) / (top || 1)) * (height - 2);
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([x(i), y(v)]);
  });
  if (run.length) runs.push(run);
  const colours = TONES[tone];
  if (present.length < 2) {
    // One reading is not a line yet (the sampler has just started, or the container just did).
    return (
      <span role="img" aria-label={`${label}: collecting readings`} style={{ width, height }} className={`inline-flex shrink-0 items-center justify-center rounded-sm border border-dashed border-slate-200 text-[10px] text-slate-400 ${className ?? ""}`}>
        collecting
      </span>
    );
  }
  const fmt = unit === "bytes" ? formatBytes : (v: number) => formatPercent(v);
  const summary =
    present.length === 0 ? `${label}: no readings yet` : `${label}: from ${fmt(Math.min(...present))} to ${fmt(Math.max(...present))}, now ${fmt(present.at(-1)!)}`;
  return (
    <svg
      role="img"
      aria-label={summary}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      className={`shrink-0 overflow-visible ${className ?? ""}`}
    >
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="stroke-slate-200" strokeWidth={1} />
      {runs.map((points, i) => {
        const line = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
        if (points.length === 1) {
          const [px, py] = points[0]!;
          return <circle key={i} cx={px} cy={py} r={1.5} className={colours.dot} />;
        }
        const area = `${points[0]![0].toFixed(1)},${height} ${line} ${points.at(-1)![0].toFixed(1)},${height}`;
        return (
          <g key={i}>
            {points.length > 2 ? <polygon points={area} className={colours.fill} /> : null}
            <polyline points={line} fill="none" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" className={colours.stroke} />
          </g>
        );
      })}
    </svg>
  );
}
