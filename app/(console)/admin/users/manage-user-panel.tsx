"use client";

import { useState, useTransition } from "react";
import { buttonStyles, FormAlert, inputStyles } from "@/components/form-controls";
import type { ActionResult } from "@/lib/actions/define-action";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/policy";
import { changeUserRole, deleteUser, disableUser, enableUser, issueSetupLink, resetUserMfa, revokeUserSessions } from "./actions";
import { SetupLinkBox } from "./setup-link-box";
import type { UserRowView } from "./users-list";

type Confirmable = "disable" | "reset-mfa" | "revoke" | "delete";

const CONFIRM: Record<Confirmable, { question: (email: string) => string; button: string; danger: boolean }> = {
  disable: { question: (e) => `Disable ${e}? They are signed out and cannot sign in until enabled again.`, button: "Disable", danger: true },
  "reset-mfa": { question: (e) => `Reset MFA for ${e}? Their authenticator and recovery codes stop working, they are signed out, and they set up a new authenticator at their next sign-in.`, button: "Reset MFA", danger: true },
  revoke: { question: (e) => `Sign ${e} out everywhere? Every session ends at its next request.`, button: "Sign out everywhere", danger: false },
  delete: { question: (e) => `Delete ${e}? The account is removed; its audit history stays.`, button: "Delete user", danger: true },
};

export function ManageUserPanel({ user }: { user: UserRowView }) {
  const [role, setRole] = useState<Role>(user.role);
  const [confirming, setConfirming] = useState<Confirmable | null>(null);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [link, setLink] = useState<{ setupPath: string; expiresAt: string; purpose: "invite" | "reset" } | null>(null);
  const [pending, start] = useTransition();

  function run<T>(action: () => Promise<ActionResult<T>>, success: string | ((data: T) => string)) {
    start(async () => {
      const result = await action();
      setConfirming(null);
      if (result.ok) setMessage({ tone: "success", text: typeof success === "string" ? success : success(result.data) });
      else setMessage({ tone: "error", text: result.error.message });
    });
  }

  const confirmAction: Record<Confirmable, () => void> = {
    disable: () => run(() => disableUser(user.id), `${user.email} is disabled.`),
    "reset-mfa": () => run(() => resetUserMfa(user.id), `MFA was reset for ${user.email}.`),
    revoke: () => run(() => revokeUserSessions(user.id), (d: { sessionsEnded: number }) => `${d.sessionsEnded} session${d.sessionsEnded === 1 ? "" : "s"} of ${user.email} ended.`),
    delete: () => run(() => deleteUser(user.id), `${user.email} was deleted.`),
  };

  return (
    <div className="space-y-4 rounded-lg bg-slate-50 px-4 py-4 ring-1 ring-slate-200 ring-inset" aria-label={`Manage ${user.email}`} role="region">
      {message ? <FormAlert tone={message.tone}>{message.text}</FormAlert> : null}
      {link ? <SetupLinkBox email={user.email} setupPath={link.setupPath} expiresAt={link.expiresAt} purpose={link.purpose} /> : null}

      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="sm:w-56">
          <label htmlFor={`role-${user.id}`} className="block text-sm font-medium text-slate-900">
            Role
          </label>
          <select id={`role-${user.id}`} value={role} onChange={(e) => setRole(e.target.value as Role)} className={`mt-1.5 ${inputStyles}`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r].label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          disabled={pending || role === user.role}
          className={buttonStyles.secondary}
          onClick={() => run(() => changeUserRole(user.id, role), `${user.email} is now ${ROLE_LABELS[role].label.toLowerCase()}.`)}
        >
          Save role
        </button>
      </div>

      {confirming ? (
        <div className="space-y-3 rounded-lg bg-white px-3 py-3 ring-1 ring-amber-300 ring-inset">
          <p className="text-sm text-slate-900">{CONFIRM[confirming].question(user.email)}</p>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} className={CONFIRM[confirming].danger ? buttonStyles.danger : buttonStyles.primary} onClick={confirmAction[confirming]}>
              {pending ? "Working…" : CONFIRM[confirming].button}
            </button>
            <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="flex flex-wrap gap-2">
          {user.status === "disabled" ? (
            <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => run(() => enableUser(user.id), `${user.email} is enabled.`)}>
              Enable
            </button>
          ) : (
            <button type="button" disabled={pending || user.isSelf} className={buttonStyles.secondary} onClick={() => setConfirming("disable")}>
              Disable
            </button>
          )}
          <button
            type="button"
            disabled={pending}
            className={buttonStyles.secondary}
            onClick={() =>
              start(async () => {
                const result = await issueSetupLink(user.id);
                if (result.ok) {
                  setLink({ setupPath: result.data.setupPath, expiresAt: result.data.expiresAt, purpose: result.data.purpose });
                  setMessage(null);
                } else setMessage({ tone: "error", text: result.error.message });
              })
            }
          >
            {user.hasPassword ? "Password-reset link" : "New setup link"}
          </button>
          {user.mfaEnrolled ? (
            <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => setConfirming("reset-mfa")}>
              Reset MFA
            </button>
          ) : null}
          <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => setConfirming("revoke")}>
            Sign out everywhere
          </button>
          <button type="button" disabled={pending || user.isSelf} className={`${buttonStyles.secondary} text-red-700`} onClick={() => setConfirming("delete")}>
            Delete
          </button>
        </div>
      )}
      {user.isSelf ? <p className="text-xs text-slate-600">You cannot disable or delete your own account.</p> : null}
    </div>
  );
}
