"use client";

/**
 * The users table (a card list on narrow screens) with a Manage panel per user. Rows come from the
 * server already trimmed to what is shown.
 */
import { Fragment, useState } from "react";
import { buttonStyles } from "@/components/form-controls";
import { WarningIcon } from "@/components/icons";
import { StatusBadge, type Status } from "@/components/status-badge";
import { ROLE_LABELS, type Role } from "@/lib/auth/policy";
import { formatRelative, formatUtc } from "@/lib/format/datetime";
import { describeStaleAdmin } from "@/lib/users/stale-admins";
import { ManageUserPanel, type ProviderOption } from "./manage-user-panel";

export type UserRowView = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: "active" | "invited" | "disabled";
  mfaEnrolled: boolean;
  hasPassword: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  inviteExpiresAt: string | null;
  isSelf: boolean;
  /** "Local" and/or the identity providers' names. */
  sources: string[];
  identities: { id: string; providerId: string; providerName: string; providerRemoved: boolean; email: string | null; createdAt: string; lastSignInAt: string | null }[];
  linkGrants: { providerId: string; expiresAt: string }[];
  /** Set when this is an enabled admin who has not signed in for the configured number of days. */
  stale: { idleDays: number; neverSignedIn: boolean } | null;
};

const STATUS: Record<UserRowView["status"], { status: Status; label: string }> = {
  active: { status: "ok", label: "Active" },
  invited: { status: "unknown", label: "Invited" },
  disabled: { status: "critical", label: "Disabled" },
};

function StatusCell({ user }: { user: UserRowView }) {
  return (
    <div className="flex flex-wrap gap-1.5">
      <StatusBadge status={STATUS[user.status].status} label={STATUS[user.status].label} />
      {user.status === "invited" && !user.inviteExpiresAt ? <span className="text-xs text-slate-600">link expired</span> : null}
    </div>
  );
}

function MfaCell({ user }: { user: UserRowView }) {
  if (user.mfaEnrolled) return <StatusBadge status="ok" label="MFA on" />;
  // An SSO user without console TOTP who has signed in: only possible when their IdP proved MFA.
  if (user.identities.length > 0 && user.lastSignInAt) return <StatusBadge status="ok" label="MFA at IdP" />;
  return <StatusBadge status="warn" label="MFA not set up" />;
}

function SourceCell({ user }: { user: UserRowView }) {
  return (
    <ul className="flex flex-col gap-0.5" aria-label={`Sign-in sources of ${user.email}`}>
      {user.sources.map((s) => (
        <li key={s} className={s.endsWith("(removed)") ? "text-slate-500 italic" : "text-slate-900"}>
          {s}
        </li>
      ))}
    </ul>
  );
}

/** The unused-admin flag; wraps (unlike a badge) so the table still fits at 1280 px. */
function StaleFlag({ user }: { user: UserRowView }) {
  return user.stale ? (
    <p className="mt-1 flex max-w-48 items-start gap-1 rounded-md bg-amber-50 px-2 py-0.5 text-xs font-medium whitespace-normal text-amber-900 ring-1 ring-amber-600/30 ring-inset" data-stale-flag>
      <WarningIcon className="mt-px size-3.5 shrink-0" />
      {describeStaleAdmin(user.stale)}
    </p>
  ) : null;
}

const createdDate = (u: UserRowView) => formatUtc(u.createdAt).replace(/, \d\d:\d\d UTC$/, "");

function Who({ user }: { user: UserRowView }) {
  return (
    <div className="min-w-0">
      <p className="font-medium break-words text-slate-900">
        {user.email}
        {user.isSelf ? <span className="ml-1.5 text-xs font-normal text-slate-600">(you)</span> : null}
      </p>
      {user.name ? <p className="text-sm text-slate-600">{user.name}</p> : null}
      <p className="text-xs text-slate-600" title={formatUtc(user.createdAt)}>
        Created {createdDate(user)}
      </p>
    </div>
  );
}

function ManageButton({ user, open, onToggle }: { user: UserRowView; open: boolean; onToggle: () => void }) {
  return (
    <button type="button" aria-expanded={open} onClick={onToggle} className={buttonStyles.secondary} aria-label={`${open ? "Close" : "Manage"} ${user.email}`}>
      {open ? "Close" : "Manage"}
    </button>
  );
}

export function UsersList({ users, now, providers }: { users: UserRowView[]; now: string; providers: ProviderOption[] }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const toggle = (id: string) => setOpenId((current) => (current === id ? null : id));
  const nowDate = new Date(now);
  const lastSignIn = (u: UserRowView) => (u.lastSignInAt ? <span title={formatUtc(u.lastSignInAt)}>{formatRelative(u.lastSignInAt, nowDate)}</span> : "never");

  return (
    <>
      <div className="-mx-5 hidden overflow-x-auto px-5 md:block">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3">
              User
            </th>
            <th scope="col" className="px-3 py-2">
              Role
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2">
              Source
            </th>
            <th scope="col" className="px-3 py-2">
              MFA
            </th>
            <th scope="col" className="px-3 py-2">
              Last sign-in
            </th>
            <th scope="col" className="py-2 pl-3">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <Fragment key={u.id}>
              <tr data-user-email={u.email}>
                <td className="min-w-56 py-3 pr-3 align-top">
                  <Who user={u} />
                </td>
                <td className="px-3 py-3 align-top text-slate-900">{ROLE_LABELS[u.role].label}</td>
                <td className="px-3 py-3 align-top">
                  <StatusCell user={u} />
                </td>
                <td className="px-3 py-3 align-top">
                  <SourceCell user={u} />
                </td>
                <td className="px-3 py-3 align-top">
                  <MfaCell user={u} />
                </td>
                <td className="px-3 py-3 align-top text-slate-700">
                  <div className="whitespace-nowrap">{lastSignIn(u)}</div>
                  <StaleFlag user={u} />
                </td>
                <td className="py-3 pl-3 text-right align-top">
                  <ManageButton user={u} open={openId === u.id} onToggle={() => toggle(u.id)} />
                </td>
              </tr>
              {openId === u.id ? (
                <tr>
                  <td colSpan={7} className="pb-4">
                    <ManageUserPanel user={u} providers={providers} now={now} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      </div>

      <ul className="divide-y divide-slate-100 md:hidden">
        {users.map((u) => (
          <li key={u.id} className="space-y-3 py-4 first:pt-0" data-user-email={u.email}>
            <div className="flex items-start justify-between gap-3">
              <Who user={u} />
              <ManageButton user={u} open={openId === u.id} onToggle={() => toggle(u.id)} />
            </div>
            <div className="flex flex-wrap items-center gap-1.5">
              <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-800 ring-1 ring-slate-300 ring-inset">{ROLE_LABELS[u.role].label}</span>
              <StatusCell user={u} />
              <MfaCell user={u} />
            </div>
            <p className="text-sm text-slate-600">
              Signs in with {u.sources.join(", ")} · last sign-in {lastSignIn(u)}
            </p>
            <StaleFlag user={u} />
            {openId === u.id ? <ManageUserPanel user={u} providers={providers} now={now} /> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
