import type { Metadata } from "next";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { describeUserAgent } from "@/lib/auth/describe-user-agent";
import { ownAccount } from "@/lib/auth/own-account";
import { ROLE_LABELS } from "@/lib/auth/policy";
import { requirePermission } from "@/lib/auth/require-permission";
import { formatRelative, formatUtc } from "@/lib/format/datetime";
import { RecoveryCodesRegenerator } from "./recovery-codes-card";
import { SessionRevokeButton } from "./session-revoke-button";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const actor = await requirePermission("self.manage", "/account");
  const account = await ownAccount(actor);
  const now = new Date();

  return (
    <>
      <PageHeader title="Account" description="Your sign-in details, second factor and the browsers signed in as you." />
      <div className="mt-6 grid items-start gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-2">
          <Card title="You">
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-slate-600">Email</dt>
                <dd className="font-medium break-words text-slate-900">{account.email}</dd>
              </div>
              {account.name ? (
                <div>
                  <dt className="text-slate-600">Name</dt>
                  <dd className="font-medium text-slate-900">{account.name}</dd>
                </div>
              ) : null}
              <div>
                <dt className="text-slate-600">Role</dt>
                <dd className="font-medium text-slate-900">{ROLE_LABELS[account.role].label}</dd>
                <dd className="text-slate-600">{ROLE_LABELS[account.role].description}</dd>
              </div>
            </dl>
          </Card>
          <Card title="Two-step verification" description={account.mfaEnabledAt ? `Authenticator app, set up ${formatUtc(account.mfaEnabledAt)}.` : "Not set up."}>
            <RecoveryCodesRegenerator email={account.email} remaining={account.recoveryCodesLeft} />
          </Card>
        </div>

        <Card className="lg:col-span-3" title="Signed-in browsers" description="Revoke any you do not recognise; it is signed out at its next request.">
          <ul className="-my-2 divide-y divide-slate-100">
            {account.sessions.map((s) => {
              const device = describeUserAgent(s.userAgent);
              return (
                <li key={s.id} className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between" data-session-id={s.id}>
                  <div className="min-w-0 text-sm">
                    <p className="font-medium text-slate-900">
                      {device}
                      {s.current ? (
                        <span className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-600/25 ring-inset">This browser</span>
                      ) : null}
                    </p>
                    <p className="mt-0.5 text-slate-600">
                      {s.ip ?? "unknown address"} · signed in {formatUtc(s.createdAt)} · last seen <span title={formatUtc(s.lastSeenAt)}>{formatRelative(s.lastSeenAt, now)}</span>
                    </p>
                  </div>
                  <SessionRevokeButton sessionId={s.id} current={s.current} label={`${device}, ${s.ip ?? "unknown address"}`} />
                </li>
              );
            })}
          </ul>
        </Card>
      </div>
    </>
  );
}
