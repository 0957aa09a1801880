"use client";

/**
 * Restart / Start / Stop of this container, and Restart of its whole compose service, for
 * operators and admins (the page renders this only for roles with containers.control; the actions
 * check again on the server). Each asks for a reason (it goes into the audit log) and, for services
 * marked stateful, the service name typed. After the click the container is followed until
 * healthy — a service restart goes through its containers one at a time, each followed until
 * healthy — or the message says what did not get there within its health check's budget.
 */
import { useEffect, useId, useRef, useState } from "react";
import { ContainerStatusBadge } from "@/components/container-status";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import { RefreshIcon } from "@/components/icons";
import { useNow } from "@/components/live";
import type { DashboardContainer } from "@/lib/dashboard/payloads";
import type { ControlOutcome } from "@/lib/docker/actions/control";
import { restartContainer, restartService, startContainer, stopContainer } from "./actions";
import type { ControlsConfig } from "./container-live";

type Kind = "restart" | "start" | "stop" | "restart-service";

const VERBS: Record<Kind, { button: string; title: string; doing: string; done: string }> = {
  restart: { button: "Restart", title: "Restart container", doing: "Restarting", done: "Restarted" },
  start: { button: "Start", title: "Start container", doing: "Starting", done: "Started" },
  stop: { button: "Stop", title: "Stop container", doing: "Stopping", done: "Stopped" },
  "restart-service": { button: "Restart service", title: "Restart service", doing: "Restarting the service", done: "Restarted service" },
};

type Result = { ok: boolean; text: string };
type ActionResponse<T> = { ok: true; data: T } | { ok: false; error: { message: string; fieldErrors?: Record<string, string[]> } };

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

function how(outcome: ControlOutcome["outcome"]): string {
  return outcome === "healthy" ? "healthy again" : outcome === "running" ? "running (no health check defined)" : outcome;
}

function failure(response: { error: { message: string; fieldErrors?: Record<string, string[]> } }): Result {
  const fields = response.error.fieldErrors ? Object.values(response.error.fieldErrors).flat().join(" ") : "";
  return { ok: false, text: [response.error.message, fields].filter(Boolean).join(" ") };
}

/** One control's server call, turned into the sentence shown after it. */
async function perform(kind: Kind, id: string, config: ControlsConfig, reason: string, confirm: string | undefined): Promise<Result> {
  if (kind === "restart-service") {
    const target = config.service;
    if (!target) return { ok: false, text: "This container is not part of a compose service: restart the container instead." };
    const response: ActionResponse<{ containers: ControlOutcome[] }> = await restartService({ engineId: target.engineId, project: target.project, service: target.service, reason, confirm });
    if (!response.ok) return failure(response);
    const done = response.data.containers;
    const elapsed = done.reduce((n, c) => n + c.elapsedMs, 0);
    const states = [...new Set(done.map((c) => how(c.outcome)))].join(", ");
    return { ok: true, text: `${VERBS[kind].done} ${target.service}: ${done.length} container${done.length === 1 ? "" : "s"} ${states} after ${seconds(elapsed)}.` };
  }
  const call = kind === "restart" ? restartContainer : kind === "start" ? startContainer : stopContainer;
  const response: ActionResponse<ControlOutcome> = await call({ id, reason, confirm });
  if (!response.ok) return failure(response);
  const { outcome, elapsedMs, name } = response.data;
  return { ok: true, text: `${VERBS[kind].done} ${name}: ${outcome === "stopped" ? "stopped" : how(outcome)} after ${seconds(elapsedMs)}.` };
}

/** How long the UI may follow: one health-check budget per container restarted. */
function budgetFor(kind: Kind, config: ControlsConfig): number {
  return kind === "restart-service" ? config.healthBudgetMs * (config.service?.containers ?? 1) : config.healthBudgetMs;
}

export function ContainerControls({
  id,
  live,
  config,
  onFollowingChange,
}: {
  id: string;
  live: DashboardContainer | null;
  config: ControlsConfig;
  onFollowingChange: (following: boolean) => void;
}) {
  const [dialog, setDialog] = useState<Kind | null>(null);
  const [pending, setPending] = useState<{ kind: Kind; since: number } | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const running = live ? live.state === "running" || live.state === "restarting" : true;
  const kinds: Kind[] = [...(running ? (["restart", "stop"] as const) : (["start"] as const)), ...(config.service ? (["restart-service"] as const) : [])];

  async function run(kind: Kind, reason: string, confirm: string) {
    setDialog(null);
    setResult(null);
    setPending({ kind, since: Date.now() });
    onFollowingChange(true);
    try {
      setResult(await perform(kind, id, config, reason, confirm || undefined));
    } catch {
      setResult({ ok: false, text: "The console did not answer. The action may still be running: watch the status, and check the audit log." });
    } finally {
      setPending(null);
      onFollowingChange(false);
    }
  }

  return (
    <div className="flex flex-col items-stretch gap-2 sm:items-end" data-testid="container-controls">
      <div className="flex flex-wrap gap-2">
        {kinds.map((kind) => (
          <button
            key={kind}
            type="button"
            disabled={pending !== null}
            onClick={() => setDialog(kind)}
            className={kind === "stop" ? buttonStyles.danger : kind === "restart-service" ? buttonStyles.secondary : buttonStyles.primary}
            title={kind === "restart-service" ? `Restart every container of ${config.service?.service ?? "the service"}, one at a time` : undefined}
          >
            {kind === "restart" || kind === "restart-service" ? <RefreshIcon className="size-4" /> : null}
            {VERBS[kind].button}
          </button>
        ))}
      </div>
      {pending ? <Following kind={pending.kind} since={pending.since} budgetMs={budgetFor(pending.kind, config)} live={live} /> : null}
      {result ? (
        <p
          role={result.ok ? "status" : "alert"}
          data-testid="control-result"
          data-ok={result.ok}
          className={`max-w-md rounded-md px-3 py-2 text-sm ${result.ok ? "bg-emerald-50 text-emerald-900 ring-1 ring-emerald-200" : "bg-red-50 text-red-900 ring-1 ring-red-200"} ring-inset`}
        >
          {result.text}
        </p>
      ) : null}
      {dialog ? <ControlDialog kind={dialog} config={config} onCancel={() => setDialog(null)} onSubmit={(reason, confirm) => void run(dialog, reason, confirm)} /> : null}
    </div>
  );
}

function Following({ kind, since, budgetMs, live }: { kind: Kind; since: number; budgetMs: number; live: DashboardContainer | null }) {
  const now = useNow(500);
  const elapsed = Math.round((now - since) / 1000);
  return (
    <div role="status" className="flex max-w-md flex-wrap items-center gap-2 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-950 ring-1 ring-sky-200 ring-inset" data-testid="control-following">
      <RefreshIcon className="size-4 animate-spin text-sky-700" />
      <span>
        {VERBS[kind].doing}…{" "}
        {kind === "stop" ? "waiting until it has stopped" : kind === "restart-service" ? "one container at a time, each followed until healthy" : "following until healthy"} ·{" "}
        <span className="tabular-nums">
          {elapsed} s of up to {Math.round(budgetMs / 1000)} s
        </span>
      </span>
      {live ? <ContainerStatusBadge container={live} /> : null}
    </div>
  );
}

function ControlDialog({ kind, config, onCancel, onSubmit }: { kind: Kind; config: ControlsConfig; onCancel: () => void; onSubmit: (reason: string, confirm: string) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState("");
  const ids = { title: useId(), reason: useId(), reasonHint: useId(), confirm: useId() };
  const needsConfirm = config.stateful && kind !== "start";
  const service = config.service;
  const label = kind === "restart-service" && service ? service.service : config.serviceLabel;
  const budget = Math.round(config.healthBudgetMs / 1000);
  const ready = reason.trim().length >= 3 && (!needsConfirm || confirm.trim() === config.confirmWord);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={ids.title}
      onClose={onCancel}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-0 text-left shadow-xl backdrop:bg-slate-950/50"
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) onSubmit(reason.trim(), confirm.trim());
        }}
        className="space-y-4 p-5"
      >
        <div>
          <h2 id={ids.title} className="text-base font-semibold text-slate-900">
            {VERBS[kind].title} <span className="font-mono text-sm">{label}</span>
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {kind === "stop"
              ? "It stops serving until someone starts it again."
              : kind === "restart-service" && service
                ? service.containers === 1
                  ? `Its one container (stack ${service.project}) is stopped (10 s grace) and started again, then followed until its health check passes (up to ${budget} s).`
                  : `Its ${service.containers} containers (stack ${service.project}) are restarted one at a time (10 s grace each), each followed until its health check passes (up to ${budget} s) before the next; it stops at the first that does not come back, so the others keep serving.`
                : kind === "restart"
                  ? `It is stopped (10 s grace) and started again, then followed until its health check passes (up to ${budget} s).`
                  : `It is started and followed until its health check passes (up to ${budget} s).`}
          </p>
        </div>
        <div>
          <label htmlFor={ids.reason} className="block text-sm font-medium text-slate-900">
            Reason
          </label>
          <textarea
            id={ids.reason}
            name="reason"
            required
            minLength={3}
            maxLength={500}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-describedby={ids.reasonHint}
            className={`mt-1.5 ${inputStyles}`}
            placeholder="e.g. web stuck after the 09:00 deploy, health endpoint timing out"
          />
          <p id={ids.reasonHint} className="mt-1 text-xs text-slate-600">
            Required. It is written to the audit log with your name.
          </p>
        </div>
        {needsConfirm ? (
          <div className="rounded-lg bg-amber-50 p-3 ring-1 ring-amber-200 ring-inset">
            <label htmlFor={ids.confirm} className="block text-sm font-medium text-amber-950">
              This service holds data. Type <code className="rounded bg-white px-1 font-mono">{config.confirmWord}</code> to confirm.
            </label>
            <input
              id={ids.confirm}
              name="confirm"
              autoComplete="off"
              spellCheck={false}
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              className={`mt-1.5 font-mono ${inputStyles}`}
            />
          </div>
        ) : null}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button type="button" onClick={() => ref.current?.close()} className={buttonStyles.secondary}>
            Cancel
          </button>
          <button type="submit" disabled={!ready} className={kind === "stop" ? buttonStyles.danger : buttonStyles.primary}>
            {VERBS[kind].button} {label}
          </button>
        </div>
      </form>
    </dialog>
  );
}
