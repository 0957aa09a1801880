"use client";

/**
 * Run now (with an optional name, e.g. pre-upgrade-1.43.0) and Dry run, for operators and admins
 * (the page renders this only for roles with backups.run; the actions check again on the server).
 * A dry run shows exactly what a backup would run — argv arrays, environment with secrets masked,
 * stdin — and where it would write, and runs nothing.
 */
import { useEffect, useId, useRef, useState } from "react";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import type { DryRunResult } from "@/lib/backups/dry-run";
import type { CommandDisplay } from "@/lib/backups/engines/types";
import { dryRunBackup, runBackup } from "./actions";

type Message = { ok: boolean; text: string };

function errorText(error: { message: string; fieldErrors?: Record<string, string[]> }): string {
  const fields = error.fieldErrors ? Object.values(error.fieldErrors).flat().join(" ") : "";
  return [error.message, fields].filter(Boolean).join(" ");
}

export function RunControls({ service, busy, onStarted }: { service: string; busy: boolean; onStarted: () => void }) {
  const [name, setName] = useState("");
  const [pending, setPending] = useState<"run" | "dry" | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [dry, setDry] = useState<DryRunResult | null>(null);
  const ids = { name: useId(), hint: useId() };
  // "Backup queued…" is about the run in progress: it goes when that run ends (the history says how).
  const wasBusy = useRef(busy);
  useEffect(() => {
    if (wasBusy.current && !busy) setMessage((m) => (m?.ok ? null : m));
    wasBusy.current = busy;
  }, [busy]);

  async function run() {
    setPending("run");
    setMessage(null);
    try {
      const result = await runBackup({ service, name: name.trim() || undefined });
      if (result.ok) {
        setMessage({ ok: true, text: `Backup ${result.data.status === "queued" ? "queued" : "started"}: ${result.data.backupId}. Progress shows below.` });
        setName("");
        onStarted();
      } else setMessage({ ok: false, text: errorText(result.error) });
    } catch {
      setMessage({ ok: false, text: "The console did not answer. The backup may have started: watch the history below." });
    } finally {
      setPending(null);
    }
  }

  async function dryRun(discover: boolean) {
    setPending("dry");
    setMessage(null);
    try {
      const result = await dryRunBackup({ service, name: name.trim() || undefined, discover });
      if (result.ok) setDry(result.data);
      else setMessage({ ok: false, text: errorText(result.error) });
    } catch {
      setMessage({ ok: false, text: "The console did not answer the dry run." });
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="space-y-3" data-testid={`run-controls-${service}`}>
      <form
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="min-w-0 flex-1">
          <label htmlFor={ids.name} className="block text-sm font-medium text-slate-900">
            Name <span className="font-normal text-slate-600">(optional)</span>
          </label>
          <input
            id={ids.name}
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. pre-upgrade-1.43.0"
            autoComplete="off"
            spellCheck={false}
            maxLength={63}
            aria-describedby={ids.hint}
            className={`mt-1.5 font-mono ${inputStyles}`}
          />
          <p id={ids.hint} className="sr-only">
            Lowercase letters, digits, dots, dashes and underscores. Named backups are never removed by retention.
          </p>
        </div>
        <div className="flex gap-2">
          <button type="submit" className={`${buttonStyles.primary} flex-1 sm:flex-none`} disabled={pending !== null || busy}>
            {pending === "run" ? "Starting…" : "Run now"}
          </button>
          <button type="button" className={`${buttonStyles.secondary} flex-1 sm:flex-none`} disabled={pending !== null} onClick={() => void dryRun(false)}>
            {pending === "dry" ? "Planning…" : "Dry run"}
          </button>
        </div>
      </form>
      {busy ? <p className="text-sm text-slate-600">A backup of {service} is in progress; one runs at a time per service.</p> : null}
      {message ? (
        <p role={message.ok ? "status" : "alert"} data-testid="run-result" data-ok={message.ok} className={`rounded-md px-3 py-2 text-sm ring-1 ring-inset ${message.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}>
          {message.text}
        </p>
      ) : null}
      {dry ? <DryRunView result={dry} pending={pending === "dry"} onDiscover={() => void dryRun(true)} onClose={() => setDry(null)} /> : null}
    </div>
  );
}

/** An argv as a reader would type it (quoted where needed). It is run as an array, never through a shell. */
function showArgv(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:,@%+{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

function Command({ command }: { command: CommandDisplay }) {
  if (command.kind === "archive") {
    return (
      <p className="font-mono text-xs break-all text-slate-100">
        tar of <span className="text-amber-200">{command.path}</span> (read through the Docker API)
      </p>
    );
  }
  const env = Object.entries(command.env);
  return (
    <div className="space-y-1 font-mono text-xs leading-relaxed break-all text-slate-100">
      {env.length ? (
        <p className="text-slate-400">
          env {env.map(([k, v]) => `${k}=${v}`).join(" ")}
        </p>
      ) : null}
      <p>
        <span className="text-slate-500 select-none">$ </span>
        {showArgv(command.argv)}
      </p>
      {command.stdin ? <p className="text-slate-400">stdin: {command.stdin}</p> : null}
      {command.note ? <p className="font-sans text-slate-400">{command.note}</p> : null}
    </div>
  );
}

function DryRunView({ result, pending, onDiscover, onClose }: { result: DryRunResult; pending: boolean; onDiscover: () => void; onClose: () => void }) {
  return (
    <section aria-label="Dry run" data-testid="dry-run" className="space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Dry run — nothing was run or written</h3>
          <p className="mt-0.5 text-sm text-slate-600">
            In container <span className="font-mono">{result.container}</span>, as argv arrays through docker exec (no shell). Secrets are masked.
          </p>
        </div>
        <button type="button" onClick={onClose} className={buttonStyles.secondary}>
          Close
        </button>
      </div>
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-600">Written to</dt>
        <dd className="font-mono text-xs break-all text-slate-900" data-testid="dry-run-path">
          {result.finalPath}
        </dd>
        <dt className="text-slate-600">While running</dt>
        <dd className="font-mono text-xs break-all text-slate-700">{result.partialPath}</dd>
        <dt className="text-slate-600">Encryption</dt>
        <dd className="text-slate-900">{result.encryption ? <>age, key <span className="font-mono text-xs">{result.encryption.keyId}</span></> : "none (no backup key configured)"}</dd>
      </dl>
      {result.placeholders ? (
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <p>{result.placeholders}</p>
          <button type="button" onClick={onDiscover} disabled={pending} className={buttonStyles.secondary}>
            {pending ? "Listing…" : "List the real commands"}
          </button>
        </div>
      ) : null}
      {result.discovery.length ? (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Read-only discovery</h4>
          <div className="mt-1 space-y-2 rounded-md bg-slate-900 p-3">
            {result.discovery.map((c, i) => (
              <Command key={i} command={c} />
            ))}
          </div>
        </div>
      ) : null}
      {result.prepare.length ? (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Before the dump</h4>
          <div className="mt-1 space-y-2 rounded-md bg-slate-900 p-3">
            {result.prepare.map((c, i) => (
              <Command key={i} command={c} />
            ))}
          </div>
        </div>
      ) : null}
      <div>
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Files</h4>
        <ul className="mt-1 space-y-2">
          {result.files.map((f) => (
            <li key={f.file} className="rounded-md bg-slate-900 p-3">
              <p className="mb-1 text-xs text-slate-300">
                <span className="font-mono text-emerald-200">{f.file}</span> — {f.what}
                {f.compression !== "none" ? `, ${f.compression}` : ""}
                {f.encrypted ? ", encrypted" : ""}
              </p>
              <Command command={f.command} />
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
