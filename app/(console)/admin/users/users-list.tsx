"use client";

/**
 * The users table (a card list on narrow screens) with a Manage panel per user. Rows come from the
 * server already trimmed to what is shown.
 */
import { Fragment, useState } from "react";
import { buttonStyles } from "@/components/form-controls";
import { StatusBadge, type Status } from "@/components/status-badge";
import { ROLE_LABELS, type Role } from "@/lib/auth/policy";
import { formatRelative, formatUtc } from "@/lib/format/datetime";
import { ManageUserPanel } from "./manage-user-panel";

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
  return user.mfaEnrolled ? <StatusBadge status="ok" label="MFA on" /> : <StatusBadge status="warn" label="MFA not set up" />;
}

function Who({ user }: { user: UserRowView }) {
  return (
    <div className="min-w-0">
      <p className="font-medium break-words text-slate-900">
        {user.email}
        {user.isSelf ? <span className="ml-1.5 text-xs font-normal text-slate-600">(you)</span> : null}
      </p>
      {user.name ? <p className="text-sm text-slate-600">{user.name}</p> : null}
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

export function UsersList({ users, now }: { users: UserRowView[]; now: string }) {
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
              MFA
            </th>
            <th scope="col" className="px-3 py-2">
              Last sign-in
            </th>
            <th scope="col" className="px-3 py-2">
              Created
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
                  <MfaCell user={u} />
                </td>
                <td className="px-3 py-3 align-top whitespace-nowrap text-slate-700">{lastSignIn(u)}</td>
                <td className="px-3 py-3 align-top whitespace-nowrap text-slate-700" title={formatUtc(u.createdAt)}>
                  {formatUtc(u.createdAt).replace(/, \d\d:\d\d UTC$/, "")}
                </td>
                <td className="py-3 pl-3 text-right align-top">
                  <ManageButton user={u} open={openId === u.id} onToggle={() => toggle(u.id)} />
                </td>
              </tr>
              {openId === u.id ? (
                <tr>
                  <td colSpan={7} className="pb-4">
                    <ManageUserPanel user={u} />
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
              Last sign-in {lastSignIn(u)} · created {formatUtc(u.createdAt).replace(/, \d\d:\d\d UTC$/, "")}
            </p>
            {openId === u.id ? <ManageUserPanel user={u} /> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
