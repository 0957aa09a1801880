import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { Card } from "@/components/card";
import { FormAlert } from "@/components/form-controls";
import { CheckCircleIcon, CriticalIcon, RefreshIcon, WarningIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { StatusBadge, type Status } from "@/components/status-badge";
import { openBreakGlassWindows } from "@/lib/auth/break-glass/break-glass";
import { requirePermission } from "@/lib/auth/require-permission";
import { checkSsoSetup, type Finding, type ProviderCheck } from "@/lib/auth/oidc/check-sso-setup";
import { ROLE_LABELS, type Role } from "@/lib/auth/policy";
import { formatRelative, formatUtc } from "@/lib/format/datetime";
import { pageOrigin } from "@/lib/server/request-origin";

export const metadata: Metadata = { title: "Single sign-on" };
export const dynamic = "force-dynamic";

function providerStatus(p: ProviderCheck): { status: Status; label: string } {
  if (p.findings.some((f) => f.level === "error")) return { status: "critical", label: "Sign-in will fail" };
  if (p.findings.some((f) => f.level === "warn")) return { status: "warn", label: "Check the warnings" };
  return { status: "ok", label: "Ready" };
}

const FINDING_STYLE: Record<Finding["level"], { Icon: typeof CheckCircleIcon; className: string; label: string }> = {
  error: { Icon: CriticalIcon, className: "text-red-700", label: "Error" },
  warn: { Icon: WarningIcon, className: "text-amber-700", label: "Warning" },
  info: { Icon: CheckCircleIcon, className: "text-slate-500", label: "Note" },
};

function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role]?.label ?? role;
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[11rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

function ProviderCard({ p, now }: { p: ProviderCheck; now: Date }) {
  const { status, label } = providerStatus(p);
  return (
    <Card title={`${p.name}`} description={<span className="font-mono text-xs">{p.id}</span>} actions={<StatusBadge status={status} label={label} />}>
      <div data-testid={`sso-provider-${p.id}`} data-status={status} className="space-y-4">
        {p.findings.length > 0 ? (
          <ul className="space-y-2" aria-label="Findings">
            {p.findings.map((f, i) => {
              const { Icon, className, label: levelLabel } = FINDING_STYLE[f.level];
              return (
                <li key={i} className="flex gap-2 text-sm text-slate-800" data-level={f.level}>
                  <Icon className={`mt-0.5 size-4 shrink-0 ${className}`} aria-hidden />
                  <span>
                    <span className="sr-only">{levelLabel}: </span>
                    {f.text}
                  </span>
                </li>
              );
            })}
          </ul>
        ) : null}

        <div className="rounded-lg bg-slate-50 p-3">
          <p className="text-xs font-medium tracking-wide text-slate-600 uppercase">Redirect URI to register at the provider</p>
          <code data-testid="redirect-uri" className="mt-1 block font-mono text-sm break-all text-slate-900 select-all">
            {p.redirectUri}
          </code>
        </div>

        <dl className="divide-y divide-slate-100">
          <Row label="Issuer">
            <span className="font-mono text-xs">{p.issuer}</span>
          </Row>
          <Row label="Discovery">
            {p.discovery.ok ? (
              <>
                answered in {p.discovery.ms} ms · {p.discovery.signingKeys} signing key{p.discovery.signingKeys === 1 ? "" : "s"}
              </>
            ) : (
              <span className="text-red-800">failed after {p.discovery.ms} ms</span>
            )}
          </Row>
          <Row label="Client">
            <span className="font-mono text-xs">{p.clientId}</span> · {p.hasClientSecret ? "secret set (sent as client_secret_post)" : "no secret (public client)"}
          </Row>
          <Row label="Scopes">
            <span className="font-mono text-xs">{p.scopes.join(" ")}</span>
          </Row>
          <Row label="Roles from groups">
            {p.roleMapping.length ? (
              <table className="text-sm">
                <caption className="sr-only">Group to role, highest role first</caption>
                <thead className="sr-only">
                  <tr>
                    <th>Group in claim {p.groupsClaim}</th>
                    <th>Role</th>
                  </tr>
                </thead>
                <tbody>
                  {p.roleMapping.map((m) => (
                    <tr key={m.group}>
                      <td className="pr-3 font-mono text-xs">{m.group}</td>
                      <td className="text-slate-700">→ {roleLabel(m.role)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              "no group mapping"
            )}
            <p className="mt-1 text-xs text-slate-600">
              Read from the <span className="font-mono">{p.groupsClaim}</span> claim at every sign-in; the highest role wins. No mapped group:{" "}
              {p.defaultRole ? `the ${roleLabel(p.defaultRole)} role` : "refused"}.
            </p>
          </Row>
          <Row label="MFA">
            {p.trustIdpMfa
              ? `the provider's MFA counts when the ID token's amr has ${p.mfaAmrValues.slice(0, 4).join(", ")}…${p.mfaAcrValues.length ? ` or acr is ${p.mfaAcrValues.join(", ")}` : ""}; otherwise the console's TOTP`
              : "the console's own TOTP after every SSO sign-in"}
          </Row>
          <Row label="Linked users">
            {p.linkedUsers} · last sign-in{" "}
            {p.lastSignInAt ? <span title={formatUtc(p.lastSignInAt)}>{formatRelative(p.lastSignInAt, now)}</span> : "never"}
          </Row>
        </dl>
      </div>
    </Card>
  );
}

export default async function SsoPage() {
  await requirePermission("users.manage", "/admin/sso");
  const { origin, fromConfig } = pageOrigin(await headers());
  const now = new Date();
  const [check, breakGlass] = await Promise.all([checkSsoSetup(origin), openBreakGlassWindows(now)]);
  return (
    <>
      <PageHeader
        title="Single sign-on"
        description="Your OpenID Connect providers, checked now against what the console needs, and the redirect URI to register for each."
        actions={
          <Link href="/admin/sso" prefetch={false} className="inline-flex items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
            <RefreshIcon className="size-4" aria-hidden /> Check again
          </Link>
        }
      />
      <div className="mt-6 space-y-6">
        <Card title="Sign-in methods">
          <dl className="divide-y divide-slate-100">
            <Row label="Password sign-in">
              {check.passwordSignIn === "off" ? (
                <>Off: only single sign-on. A local admin can be let in for a while from the server&apos;s shell: <code className="font-mono text-xs">npm run opsdeck -- break-glass enable --email …</code></>
              ) : check.passwordSignIn === "invalid" ? (
                <span className="text-red-800">OPSDECK_PASSWORD_SIGNIN has a value the console does not understand (use on or off)</span>
              ) : (
                "On, beside single sign-on. Set OPSDECK_PASSWORD_SIGNIN=off to allow single sign-on only."
              )}
            </Row>
            <Row label="Break-glass">
              {breakGlass.length ? (
                <span className="font-medium text-red-800" data-testid="break-glass-open">
                  Open for {breakGlass.map((w) => `${w.email} until ${formatUtc(w.until)}`).join("; ")}. Close it with{" "}
                  <code className="font-mono text-xs">npm run opsdeck -- break-glass disable --email …</code>
                </span>
              ) : (
                "no window open"
              )}
            </Row>
            <Row label="Providers">{check.providers.length || "none configured"}</Row>
            <Row label="Redirect URIs use">
              <span className="font-mono text-xs">{origin}</span> {fromConfig ? "(NEXTAUTH_URL)" : "(this browser's address: behind a proxy, set NEXTAUTH_URL to the public URL)"}
            </Row>
          </dl>
        </Card>

        {check.configProblems.length > 0 ? (
          <FormAlert>
            <p className="font-medium">The SSO configuration cannot be read, so its sign-in buttons are hidden. Fix these variables and restart the console:</p>
            <ul className="mt-2 list-disc pl-5" data-testid="sso-config-problems">
              {check.configProblems.map((line) => (
                <li key={line} className="font-mono text-xs">
                  {line}
                </li>
              ))}
            </ul>
          </FormAlert>
        ) : null}

        {check.providers.length === 0 && check.configProblems.length === 0 ? (
          <Card title="No provider configured">
            <p className="text-sm text-slate-700">
              Set <span className="font-mono text-xs">OPSDECK_OIDC_ISSUER</span>, <span className="font-mono text-xs">OPSDECK_OIDC_CLIENT_ID</span>,{" "}
              <span className="font-mono text-xs">OPSDECK_OIDC_CLIENT_SECRET</span> and <span className="font-mono text-xs">OPSDECK_OIDC_ROLE_MAPPING</span> (e.g.{" "}
              <span className="font-mono text-xs">ops-admins=admin,oncall=viewer</span>) for one provider, or <span className="font-mono text-xs">OPSDECK_OIDC_PROVIDERS</span> for
              several; then restart the console. The README lists every setting.
            </p>
          </Card>
        ) : null}

        {check.providers.map((p) => (
          <ProviderCard key={p.id} p={p} now={now} />
        ))}
        <p className="text-xs text-slate-500">Checked {formatUtc(check.checkedAt)}. Nothing here contains a client secret.</p>
      </div>
    </>
  );
}
