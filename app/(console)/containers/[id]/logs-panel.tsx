"use client";

/**
 * The container's log: last N lines, since a time, a text filter, stdout / stderr, follow live
 * (server-sent events from GET /api/v1/containers/:id/logs), and a text download. Nothing is read
 * until "Show logs" is pressed: each read is audited (logs can hold personal data).
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";

type Line = { s: "stdout" | "stderr"; t: string | null; x: string };
type Status = "idle" | "loading" | "following" | "done" | "error";

const MAX_LINES = 5_000;
const TAILS = ["100", "200", "500", "1000", "5000"];
const SINCES: Array<[string, string]> = [
  ["", "Any time"],
  ["5m", "Last 5 minutes"],
  ["15m", "Last 15 minutes"],
  ["1h", "Last hour"],
  ["6h", "Last 6 hours"],
  ["24h", "Last 24 hours"],
  ["7d", "Last 7 days"],
];

type Options = { tail: string; since: string; filter: string; stdout: boolean; stderr: boolean; follow: boolean };

function query(o: Options, format: "sse" | "text"): string {
  const p = new URLSearchParams({ tail: o.tail, stdout: o.stdout ? "1" : "0", stderr: o.stderr ? "1" : "0", format });
  if (o.since) p.set("since", o.since);
  if (o.filter.trim()) p.set("filter", o.filter.trim());
  if (format === "sse" && o.follow) p.set("follow", "1");
  return p.toString();
}

export function LogsPanel({ id, name }: { id: string; name: string }) {
  const [options, setOptions] = useState<Options>({ tail: "200", since: "", filter: "", stdout: true, stderr: true, follow: false });
  const [lines, setLines] = useState<Line[]>([]);
  const [status, setStatus] = useState<Status>("idle");
  const [message, setMessage] = useState<string | null>(null);
  const source = useRef<EventSource | null>(null);
  const buffer = useRef<Line[]>([]);
  const box = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const ids = { tail: useId(), since: useId(), filter: useId(), heading: useId() };

  const close = useCallback(() => {
    source.current?.close();
    source.current = null;
  }, []);

  // Lines arrive one event each: add them to the screen in batches, ten times a second.
  useEffect(() => {
    const timer = setInterval(() => {
      if (buffer.current.length === 0) return;
      const batch = buffer.current;
      buffer.current = [];
      setLines((prev) => {
        const next = prev.concat(batch);
        return next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next;
      });
    }, 100);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => close, [close]);

  useEffect(() => {
    const el = box.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  function show() {
    close();
    buffer.current = [];
    setLines([]);
    setMessage(null);
    setStatus("loading");
    stickToBottom.current = true;
    const es = new EventSource(`/api/v1/containers/${id}/logs?${query(options, "sse")}`);
    source.current = es;
    es.addEventListener("open", () => setStatus(options.follow ? "following" : "loading"));
    es.addEventListener("line", (e) => buffer.current.push(JSON.parse((e as MessageEvent<string>).data) as Line));
    es.addEventListener("end", (e) => {
      const { lines: n } = JSON.parse((e as MessageEvent<string>).data) as { lines: number };
      close();
      setStatus("done");
      setMessage(options.follow ? "The container stopped; the log ended." : `${n} line${n === 1 ? "" : "s"}.`);
    });
    es.addEventListener("failure", (e) => {
      close();
      setStatus("error");
      setMessage((JSON.parse((e as MessageEvent<string>).data) as { message: string }).message);
    });
    es.onerror = () => {
      // EventSource would reconnect on its own and read (and audit) the tail again: stop instead.
      if (source.current !== es) return;
      close();
      setStatus("error");
      setMessage(options.follow ? "The live log was disconnected. Press Show logs to read it again." : "The log could not be read (signed out, or the container is gone?).");
    };
  }

  function stop() {
    close();
    setStatus("done");
    setMessage("Stopped following.");
  }

  const set = <K extends keyof Options>(key: K, value: Options[K]) => setOptions((o) => ({ ...o, [key]: value }));

  return (
    <section aria-labelledby={ids.heading} className="rounded-xl border border-slate-200 bg-white shadow-xs" data-testid="logs-panel">
      <div className="border-b border-slate-100 px-5 py-4">
        <h2 id={ids.heading} className="text-sm font-semibold text-slate-900">
          Logs
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">Reading logs is recorded in the audit log: they can hold personal data. Secrets of this container are masked.</p>
        <form
          className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-[7rem_10rem_minmax(0,1fr)] lg:grid-cols-[7rem_10rem_minmax(0,1fr)_auto_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            show();
          }}
        >
          <div>
            <label htmlFor={ids.tail} className="block text-xs font-medium text-slate-600">
              Last lines
            </label>
            <select id={ids.tail} value={options.tail} onChange={(e) => set("tail", e.target.value)} className={`mt-1 ${inputStyles}`}>
              {TAILS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.since} className="block text-xs font-medium text-slate-600">
              Since
            </label>
            <select id={ids.since} value={options.since} onChange={(e) => set("since", e.target.value)} className={`mt-1 ${inputStyles}`}>
              {SINCES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="col-span-2 sm:col-span-1">
            <label htmlFor={ids.filter} className="block text-xs font-medium text-slate-600">
              Containing text
            </label>
            <input id={ids.filter} type="search" maxLength={200} value={options.filter} onChange={(e) => set("filter", e.target.value)} placeholder="error, timeout, a request id…" className={`mt-1 ${inputStyles}`} />
          </div>
          <fieldset className="col-span-2 flex flex-wrap items-end gap-x-4 gap-y-1 pb-2 text-sm text-slate-800 sm:col-span-3 lg:col-span-1">
            <legend className="sr-only">Streams and follow</legend>
            <label className="inline-flex items-center gap-1.5">
              <input type="checkbox" checked={options.stdout} onChange={(e) => set("stdout", e.target.checked)} className="size-4 accent-sky-700" /> stdout
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input type="checkbox" checked={options.stderr} onChange={(e) => set("stderr", e.target.checked)} className="size-4 accent-red-700" /> stderr
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input type="checkbox" checked={options.follow} onChange={(e) => set("follow", e.target.checked)} className="size-4 accent-sky-700" /> Follow live
            </label>
          </fieldset>
          <div className="col-span-2 flex flex-wrap items-end gap-2 sm:col-span-3 lg:col-span-1">
            {status === "following" ? (
              // Distinct keys: React must not turn this very button into the submit button during its own
              // click (the browser would then submit the form and start reading again).
              <button key="stop" type="button" onClick={stop} className={buttonStyles.secondary}>
                Stop following
              </button>
            ) : (
              <button key="show" type="submit" disabled={!options.stdout && !options.stderr} className={buttonStyles.primary}>
                {status === "idle" ? "Show logs" : "Reload"}
              </button>
            )}
            <a
              href={`/api/v1/containers/${id}/logs?${query(options, "text")}`}
              download={`${name}-logs.txt`}
              className={buttonStyles.secondary}
              aria-disabled={!options.stdout && !options.stderr}
            >
              Download
            </a>
          </div>
        </form>
      </div>
      <div className="px-5 py-3">
        <p className="mb-2 flex items-center gap-2 text-xs text-slate-600" aria-live="polite" data-testid="logs-status" data-status={status}>
          {status === "following" ? <span aria-hidden className="size-2 animate-pulse rounded-full bg-emerald-500" /> : null}
          {status === "idle"
            ? "Not loaded."
            : status === "loading"
              ? "Reading…"
              : status === "following"
                ? `Following live · ${lines.length} lines`
                : status === "error"
                  ? null
                  : (message ?? "")}
          {status === "error" && message ? <span className="font-medium text-red-700">{message}</span> : null}
          <span className="ml-auto inline-flex items-center gap-3">
            <span className="inline-flex items-center gap-1">
              <span aria-hidden className="h-3 w-1 rounded-sm bg-slate-400" /> stdout
            </span>
            <span className="inline-flex items-center gap-1">
              <span aria-hidden className="h-3 w-1 rounded-sm bg-red-500" /> stderr
            </span>
          </span>
        </p>
        <div
          ref={box}
          onScroll={(e) => {
            const el = e.currentTarget;
            stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
          role="log"
          aria-label={`Log of ${name}`}
          tabIndex={0}
          className="max-h-[28rem] min-h-20 overflow-auto rounded-lg bg-slate-950 py-2 font-mono text-xs leading-5 text-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500"
          data-testid="log-lines"
        >
          {lines.length === 0 ? (
            <p className="px-3 text-slate-400">{status === "idle" ? "Press “Show logs” to read the last lines." : status === "loading" ? "…" : "No lines match."}</p>
          ) : (
            lines.map((line, i) => (
              <div
                key={i}
                data-stream={line.s}
                className={`flex gap-3 border-l-2 px-3 whitespace-pre-wrap ${line.s === "stderr" ? "border-red-500 bg-red-950/40 text-red-100" : "border-transparent"}`}
              >
                <span className="shrink-0 text-slate-500 select-none" title={line.t ?? undefined}>
                  {line.t ? line.t.slice(11, 19) : "--:--:--"}
                </span>
                <span className="sr-only">{line.s === "stderr" ? "stderr:" : "stdout:"}</span>
                <span className="min-w-0 break-all">{line.x}</span>
              </div>
            ))
          )}
        </div>
      </div>
    </section>
  );
}
