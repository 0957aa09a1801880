import Link from "next/link";
import type { ComponentType, ReactNode } from "react";
import {
  ArrowRightIcon,
  AuditIcon,
  BackupIcon,
  DashboardIcon,
  LockIcon,
  LogoIcon,
  PrivacyIcon,
  RestoreIcon,
  TerminalIcon,
  type IconProps,
} from "@/components/icons";
import { OPSDECK_VERSION } from "@/lib/version";

const FEATURES: { icon: ComponentType<IconProps>; title: string; body: ReactNode }[] = [
  {
    icon: DashboardIcon,
    title: "Live health dashboard",
    body: "Every container's state, health check, restarts, CPU and memory, disk usage of your volumes, and probes for Postgres, ClickHouse and Redis, grouped by compose service and refreshed live.",
  },
  {
    icon: TerminalIcon,
    title: "Restarts and logs",
    body: "Restart, stop or start a service and read its logs from the browser, without handing out SSH access to the host. Each restart and each log read is audited.",
  },
  {
    icon: BackupIcon,
    title: "Backups you can trust",
    body: "Postgres, ClickHouse, Redis and volume backups made with each engine's own dump tool, a SHA-256 checksum for every file, optional AES-256-GCM encryption, schedules, retention and remote copies.",
  },
  {
    icon: RestoreIcon,
    title: "Guided restores",
    body: "Preflight checks, a typed confirmation and a fresh MFA check before anything is overwritten, and a safety copy of the current data taken first, so a restore cannot silently destroy data.",
  },
  {
    icon: PrivacyIcon,
    title: "Privacy verification",
    body: "Checks that PostHog discards client IP addresses, that GeoIP enrichment is off, and that recent events carry no IP, with every result kept for your compliance reviewers.",
  },
  {
    icon: AuditIcon,
    title: "Append-only audit log",
    body: "Every action is written to Postgres before it runs and again with its outcome. Rows are hash-chained, so an edited or deleted entry is detected when the chain is verified.",
  },
];

const ROLES: { name: string; who: string; can: string[] }[] = [
  {
    name: "Viewer",
    who: "On-call staff",
    can: ["See health, containers and logs", "Browse backup history", "See privacy check results"],
  },
  {
    name: "Operator",
    who: "Day-to-day operations",
    can: ["Everything a viewer can", "Restart, start and stop services", "Run a backup or a privacy check now"],
  },
  {
    name: "Admin",
    who: "Owners of the stack",
    can: [
      "Everything an operator can",
      "Run restores",
      "Download and delete backups, set schedules and retention",
      "Manage users, roles and settings",
    ],
  },
  {
    name: "Auditor",
    who: "Compliance reviewers",
    can: ["Browse, export and verify the audit log", "Browse backup history", "See privacy check results"],
  },
];

const ACTION_STEPS: { step: string; detail: string }[] = [
  { step: "Authenticate", detail: "A signed-in session, with MFA" },
  { step: "Authorize", detail: "Your role is checked on the server" },
  { step: "Audit: started", detail: "Committed before anything runs" },
  { step: "Run", detail: "Through the Docker API, never a shell string" },
  { step: "Audit: outcome", detail: "Succeeded, failed or denied, hash-chained" },
];

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2";

export default function Landing() {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-slate-950 text-white">
        <div className="mx-auto flex h-16 max-w-6xl items-center gap-6 px-5 sm:px-8">
          <Link href="/" className={`flex items-center gap-2 rounded-md font-semibold tracking-tight ${focusRing} focus-visible:outline-sky-400`}>
            <LogoIcon className="size-5 text-sky-400" />
            Opsdeck
          </Link>
          <nav aria-label="Page sections" className="hidden text-sm text-slate-300 sm:block">
            <ul className="flex gap-5">
              <li>
                <a href="#features" className={`rounded hover:text-white ${focusRing} focus-visible:outline-sky-400`}>
                  Features
                </a>
              </li>
              <li>
                <a href="#access" className={`rounded hover:text-white ${focusRing} focus-visible:outline-sky-400`}>
                  Roles and MFA
                </a>
              </li>
            </ul>
          </nav>
          <Link
            href="/dashboard"
            className={`ml-auto rounded-md px-3 py-1.5 text-sm font-medium text-white ring-1 ring-white/20 hover:bg-white/10 ${focusRing} focus-visible:outline-sky-400`}
          >
            Open console
          </Link>
        </div>
      </header>

      <main className="flex-1">
        <section
          aria-labelledby="hero-title"
          className="border-b border-slate-800 bg-slate-950 bg-[radial-gradient(56rem_28rem_at_85%_-20%,rgb(14_165_233/0.16),transparent)] text-white"
        >
          <div className="mx-auto grid max-w-6xl gap-12 px-5 pt-14 pb-20 sm:px-8 lg:grid-cols-[1.15fr_1fr] lg:items-center lg:pt-20 lg:pb-24">
            <div>
              <p className="text-sm font-medium text-sky-300">Self-hosted ops console for docker compose stacks</p>
              <h1 id="hero-title" className="mt-3 text-4xl font-semibold tracking-tight text-balance sm:text-5xl">
                Safe, audited operations for your production stack.
              </h1>
              <p className="mt-5 max-w-xl text-base/7 text-slate-300 sm:text-lg/8">
                Opsdeck runs next to a PostHog-style stack (Postgres, ClickHouse, Redis and app containers) and turns its
                runbooks into buttons: a live health dashboard, restarts and logs, verified backups, guided restores and
                privacy checks. Every action lands in a tamper-evident audit log.
              </p>
              <div className="mt-8 flex flex-wrap items-center gap-3">
                <Link
                  href="/dashboard"
                  className={`inline-flex items-center gap-2 rounded-md bg-white px-4 py-2.5 text-sm font-semibold text-slate-950 shadow-sm hover:bg-slate-200 ${focusRing} focus-visible:outline-sky-400`}
                >
                  Open console
                  <ArrowRightIcon className="size-4" />
                </Link>
                <a
                  href="#features"
                  className={`rounded-md px-4 py-2.5 text-sm font-medium text-slate-200 ring-1 ring-white/15 hover:bg-white/5 hover:text-white ${focusRing} focus-visible:outline-sky-400`}
                >
                  What it does
                </a>
              </div>
              <p className="mt-6 max-w-xl text-sm text-slate-400">
                Early build: this version ships the console shell and its own health check. The features below arrive in
                phases.
              </p>
            </div>

            <div className="rounded-xl border border-white/10 bg-white/[0.03] p-5 sm:p-6">
              <h2 className="text-sm font-semibold text-white">How every action runs</h2>
              <p className="mt-1 text-sm text-slate-400">A restart, a backup, a log read or a restore: always in this order.</p>
              <ol className="mt-5 space-y-0">
                {ACTION_STEPS.map(({ step, detail }, index) => (
                  <li key={step} className="relative flex gap-4 pb-5 last:pb-0">
                    {index < ACTION_STEPS.length - 1 ? (
                      <span aria-hidden className="absolute top-7 bottom-0 left-[0.8125rem] w-px bg-white/15" />
                    ) : null}
                    <span
                      aria-hidden
                      className="flex size-[1.625rem] shrink-0 items-center justify-center rounded-full bg-sky-400/15 font-mono text-xs text-sky-300 ring-1 ring-sky-400/30"
                    >
                      {index + 1}
                    </span>
                    <div className="pt-0.5">
                      <p className="font-mono text-sm text-white">{step}</p>
                      <p className="text-sm text-slate-400">{detail}</p>
                    </div>
                  </li>
                ))}
              </ol>
              <p className="mt-5 border-t border-white/10 pt-4 text-sm text-slate-400">
                If the audit write fails, the action does not run.
              </p>
            </div>
          </div>
        </section>

        <section id="features" aria-labelledby="features-title" className="scroll-mt-4 py-16 sm:py-20">
          <div className="mx-auto max-w-6xl px-5 sm:px-8">
            <h2 id="features-title" className="text-2xl font-semibold tracking-tight sm:text-3xl">
              What Opsdeck does
            </h2>
            <p className="mt-2 max-w-2xl text-slate-600">
              The jobs your runbooks describe, done from one place, by the right people, with a record of each one.
            </p>
            <ul className="mt-10 grid gap-5 sm:grid-cols-2 lg:grid-cols-3">
              {FEATURES.map(({ icon: FeatureIcon, title, body }) => (
                <li key={title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-xs sm:p-6">
                  <div className="flex items-center gap-3 sm:block">
                    <div className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-slate-900 text-sky-300">
                      <FeatureIcon className="size-5" />
                    </div>
                    <h3 className="font-semibold text-slate-900 sm:mt-4">{title}</h3>
                  </div>
                  <p className="mt-2 text-sm/6 text-slate-600">{body}</p>
                </li>
              ))}
            </ul>
          </div>
        </section>

        <section id="access" aria-labelledby="access-title" className="scroll-mt-4 border-t border-slate-200 bg-white py-16 sm:py-20">
          <div className="mx-auto max-w-6xl px-5 sm:px-8">
            <h2 id="access-title" className="text-2xl font-semibold tracking-tight sm:text-3xl">
              Four roles. MFA for everyone.
            </h2>
            <p className="mt-2 max-w-2xl text-slate-600">
              People get the access their job needs and no more. Permissions are checked on the server for every action, and
              denied attempts are audited too.
            </p>
            <ul className="mt-10 grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
              {ROLES.map(({ name, who, can }) => (
                <li key={name} className="rounded-xl border border-slate-200 p-5">
                  <h3 className="font-semibold text-slate-900">{name}</h3>
                  <p className="text-sm text-slate-500">{who}</p>
                  <ul className="mt-4 space-y-2">
                    {can.map((item) => (
                      <li key={item} className="flex gap-2 text-sm text-slate-700">
                        <span aria-hidden className="mt-2 size-1.5 shrink-0 rounded-full bg-sky-600" />
                        {item}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
            <div className="mt-5 flex flex-col gap-4 rounded-xl bg-slate-950 p-6 text-white sm:flex-row sm:items-center">
              <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-sky-400/15 text-sky-300 ring-1 ring-sky-400/30">
                <LockIcon className="size-5" />
              </div>
              <div>
                <h3 className="font-semibold">Multi-factor authentication is mandatory</h3>
                <p className="mt-1 text-sm text-slate-300">
                  Every account, in every role, signs in with a one-time code from an authenticator app. Destructive actions
                  such as a restore ask for it again.
                </p>
              </div>
            </div>
          </div>
        </section>
      </main>

      <footer className="border-t border-slate-200 bg-slate-50">
        <div className="mx-auto flex max-w-6xl flex-col gap-2 px-5 py-6 text-sm text-slate-600 sm:flex-row sm:items-center sm:justify-between sm:px-8">
          <p className="flex items-center gap-2">
            <LogoIcon className="size-4 text-slate-500" />
            Opsdeck v{OPSDECK_VERSION}. Self-hosted: it runs beside your stack, on your servers.
          </p>
          <Link href="/dashboard" className={`rounded font-medium text-sky-700 hover:text-sky-900 ${focusRing} focus-visible:outline-sky-600`}>
            Open console
          </Link>
        </div>
      </footer>
    </div>
  );
}
