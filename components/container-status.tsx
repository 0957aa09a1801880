/**
 * A container's state and health as one badge (never colour alone: icon + words), and the same
 * badge opening onto the last health check's output (hover shows it too; click or Enter expands).
 */
import type { ContainerView } from "@/lib/docker/list-containers";
import { StatusBadge, type Status } from "./status-badge";

type StatusFields = Pick<ContainerView, "state" | "health" | "exitCode" | "status" | "lastHealthcheck" | "failingStreak" | "oomKilled">;

export function containerStatus(c: Pick<ContainerView, "state" | "health" | "exitCode" | "oomKilled">): { status: Status; label: string } {
  if (c.state === "running") {
    if (c.health === "healthy") return { status: "ok", label: "Healthy" };
    if (c.health === "unhealthy") return { status: "critical", label: "Unhealthy" };
    if (c.health === "starting") return { status: "warn", label: "Starting" };
    return { status: "ok", label: "Running" };
  }
  if (c.state === "restarting") return { status: "critical", label: "Restarting" };
  if (c.state === "exited") return { status: c.exitCode === 0 && !c.oomKilled ? "warn" : "critical", label: c.oomKilled ? "Out of memory" : `Exited (${c.exitCode ?? "?"})` };
  if (c.state === "paused") return { status: "warn", label: "Paused" };
  if (c.state === "created") return { status: "warn", label: "Created" };
  if (c.state === "removing") return { status: "warn", label: "Removing" };
  return { status: "critical", label: "Dead" };
}

export function ContainerStatusBadge({ container, size = "sm" }: { container: Pick<ContainerView, "state" | "health" | "exitCode" | "oomKilled">; size?: "sm" | "md" }) {
  const { status, label } = containerStatus(container);
  return <StatusBadge status={status} label={label} size={size} />;
}

/** The badge as a disclosure: the last health check (time, exit code, output) on hover and on open. */
export function HealthDetails({ container, align = "left" }: { container: StatusFields; align?: "left" | "right" | "responsive" }) {
  const last = container.lastHealthcheck;
  const hover = last ? `Last health check (exit ${last.exitCode}): ${last.output || "no output"}`.slice(0, 400) : container.status;
  return (
    <details className="group relative inline-block">
      <summary
        title={hover}
        className="inline-flex cursor-pointer list-none items-center rounded-full focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 [&::-webkit-details-marker]:hidden"
      >
        <ContainerStatusBadge container={container} />
        <span className="sr-only"> — show the last health check</span>
      </summary>
      <div
        className={`absolute top-full z-20 mt-1.5 w-72 max-w-[80vw] rounded-lg border border-slate-200 bg-white p-3 text-left text-xs text-slate-700 shadow-lg sm:w-80 ${align === "right" ? "right-0" : align === "responsive" ? "right-0 md:right-auto md:left-0" : "left-0"}`}
      >
        <p className="font-medium text-slate-900">{container.status}</p>
        {last ? (
          <>
            <p className="mt-2 text-slate-600">
              Last health check <span className="tabular-nums">{new Date(last.end || last.start).toLocaleTimeString("en-GB")}</span> · exit code{" "}
              <span className={last.exitCode === 0 ? "text-emerald-700" : "font-semibold text-red-700"}>{last.exitCode}</span>
              {container.failingStreak ? ` · ${container.failingStreak} failed in a row` : ""}
            </p>
            <pre className="mt-1.5 max-h-40 overflow-auto rounded bg-slate-950 p-2 font-mono text-[11px] leading-relaxed whitespace-pre-wrap text-slate-100">
              {last.output || "(no output)"}
            </pre>
          </>
        ) : (
          <p className="mt-1.5 text-slate-600">{container.health === "none" ? "No health check is defined for this container." : "No health check has run yet."}</p>
        )}
      </div>
    </details>
  );
}
