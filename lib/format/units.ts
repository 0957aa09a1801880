/** Numbers as the dashboard shows them (pure: used by Server and Client Components). */

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatPercent(value: number | null | undefined, digits?: number): string {
  if (value == null || !Number.isFinite(value)) return "—";
  const d = digits ?? (value < 10 ? 1 : 0);
  return `${value.toFixed(d)} %`;
}

/** 42 s, 5 min, 3 h 12 min, 4 d 6 h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(iso: string | number | null | undefined, now: number): string {
  if (iso == null) return "never";
  const at = typeof iso === "number" ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return "—";
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 2) return "just now";
  return `${formatDuration(s)} ago`;
}

export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
