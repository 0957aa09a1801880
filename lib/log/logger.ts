/**
 * Server log. One line per event: "time level message {json}" for people, or JSON when LOG_FORMAT=json.
 * Values of keys that look secret are masked here too (invariant 5).
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

const SECRET_KEY = /password|secret|token|key|authorization|cookie/i;

export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : maskSecrets(v, depth + 1);
  return out;
}

let threshold: number = LEVELS.info;
export function setLogLevel(level: LogLevel) {
  threshold = LEVELS[level];
}

function write(level: LogLevel, message: string, fields?: Record<string, unknown>) {
  if (LEVELS[level] < threshold) return;
  const time = new Date().toISOString();
  const masked = fields ? (maskSecrets(fields) as Record<string, unknown>) : undefined;
  const line =
    process.env.LOG_FORMAT === "json"
      ? JSON.stringify({ time, level, message, ...masked })
      : `${time} ${level.toUpperCase().padEnd(5)} ${message}${masked && Object.keys(masked).length ? ` ${JSON.stringify(masked)}` : ""}`;
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};
