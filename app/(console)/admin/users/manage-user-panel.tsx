"use client";

import { useState, useTransition } from "react";
import { buttonStyles, FormAlert, inputStyles } from "@/components/form-controls";
import type { ActionResult } from "@/lib/actions/define-action";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/policy";
import { formatRelative, formatUtc } from "@/lib/format/datetime";
import { allowIdentityLink, changeUserRole, deleteUser, disableUser, enableUser, issueSetupLink, resetUserMfa, revokeUserSessions, unlinkIdentity } from "./actions";
import { SetupLinkBox } from "./setup-link-box";
import type { UserRowView } from "./users-list";

/** A configured identity provider (id and display name). */
export type ProviderOption = { id: string; name: string };

type Confirmable = "disable" | "reset-mfa" | "revoke" | "delete";

const CONFIRM: Record<Confirmable, { question: (email: string) => string; button: string; danger: boolean }> = {
  disable: { question: (e) => `Disable ${e}? They are signed out and cannot sign in until enabled again.`, button: "Disable", danger: true },
  "reset-mfa": { question: (e) => `Reset MFA for ${e}? Their authenticator and recovery codes stop working, they are signed out, and they set up a new authenticator at their next sign-in.`, button: "Reset MFA", danger: true },
  revoke: { question: (e) => `Sign ${e} out everywhere? Every session ends at its next request.`, button: "Sign out everywhere", danger: false },
  delete: { question: (e) => `Delete ${e}? The account is removed; its audit history stays.`, button: "Delete user", danger: true },
};

export function ManageUserPanel({ user, providers, now }: { user: UserRowView; providers: ProviderOption[]; now: string }) {
  const [role, setRole] = useState<Role>(user.role);
  const [confirming, setConfirming] = useState<Confirmable | null>(null);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [link, setLink] = useState<{ setupPath: string; expiresAt: string; purpose: "invite" | "reset" } | null>(null);
  const [pending, start] = useTransition();
  const [unlinking, setUnlinking] = useState<UserRowView["identities"][number] | null>(null);

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
      <SignInMethods
        user={user}
        providers={providers}
        now={now}
        pending={pending}
        unlinking={unlinking}
        onUnlink={setUnlinking}
        onConfirmUnlink={(identity) =>
          run(
            async () => {
              const result = await unlinkIdentity(user.id, identity.id);
              setUnlinking(null);
              return result;
            },
            (d: { providerName: string }) => `${d.providerName} is unlinked from ${user.email}; they were signed out everywhere.`,
          )
        }
        onAllow={(provider) =>
          run(
            () => allowIdentityLink(user.id, provider.id),
            (d: { providerName: string; expiresAt: string }) =>
              `${user.email} may now sign in with ${d.providerName} once, until ${formatUtc(d.expiresAt)}: that first sign-in (with the same email) links the account. Tell them to sign in with ${d.providerName} on the sign-in page.`,
          )
        }
      />
    </div>
  );
}

type Identity = UserRowView["identities"][number];

/** The user's ways to sign in: the console password, each linked identity (with Unlink), and "Allow sign-in with …". */
function SignInMethods(props: {
  user: UserRowView;
  providers: ProviderOption[];
  now: string;
  pending: boolean;
  unlinking: Identity | null;
  onUnlink: (identity: Identity | null) => void;
  onConfirmUnlink: (identity: Identity) => void;
  onAllow: (provider: ProviderOption) => void;
}) {
  const { user, providers, now, pending, unlinking } = props;
  const nowDate = new Date(now);
  const linkable = providers.filter((p) => !user.identities.some((i) => i.providerId === p.id));
  if (user.identities.length === 0 && providers.length === 0) return null;
  return (
    <section aria-label={`Sign-in methods of ${user.email}`} className="space-y-2">
      <h3 className="text-sm font-medium text-slate-900">Sign-in methods</h3>
      <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200 ring-inset">
        <li className="px-3 py-2 text-sm text-slate-700">
          <span className="font-medium text-slate-900">Console password</span> — {user.hasPassword ? "set" : "not set"}
        </li>
        {user.identities.map((identity) => (
          <li key={identity.id} className="flex flex-col gap-2 px-3 py-2 text-sm sm:flex-row sm:items-center sm:justify-between" data-identity-provider={identity.providerId}>
            <div className="min-w-0 text-slate-700">
              <span className={`font-medium ${identity.providerRemoved ? "text-slate-500 italic" : "text-slate-900"}`}>{identity.providerName}</span>
              {identity.email ? <span className="break-words"> ({identity.email})</span> : null} — linked {formatUtc(identity.createdAt).replace(/, \d\d:\d\d UTC$/, "")}, last sign-in{" "}
              {identity.lastSignInAt ? <span title={formatUtc(identity.lastSignInAt)}>{formatRelative(identity.lastSignInAt, nowDate)}</span> : "never"}
            </div>
            {unlinking?.id === identity.id ? null : (
              <button type="button" disabled={pending} className={`${buttonStyles.secondary} shrink-0`} onClick={() => props.onUnlink(identity)}>
                Unlink {identity.providerName}
              </button>
            )}
          </li>
        ))}
      </ul>
      {unlinking ? (
        <div className="space-y-3 rounded-lg bg-white px-3 py-3 ring-1 ring-amber-300 ring-inset">
          <p className="text-sm text-slate-900">
            Unlink {unlinking.providerName} from {user.email}? They can no longer sign in with it (a later sign-in with it is refused unless you allow it again), and they are signed out everywhere.
          </p>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} className={buttonStyles.danger} onClick={() => props.onConfirmUnlink(unlinking)}>
              {pending ? "Working…" : "Unlink"}
            </button>
            <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => props.onUnlink(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {linkable.length > 0 && user.status !== "disabled" ? (
        <div className="space-y-2">
          <p className="text-sm text-slate-600">
            An existing account is never linked to an identity provider by email alone. Allow it once: their next sign-in with that provider (same email, within 72 hours) links the account.
          </p>
          <div className="flex flex-wrap gap-2">
            {linkable.map((p) => {
              const grant = user.linkGrants.find((g) => g.providerId === p.id);
              return (
                <div key={p.id} className="flex flex-col gap-1">
                  <button type="button" disabled={pending} className={buttonStyles.secondary} onClick={() => props.onAllow(p)}>
                    {grant ? `Allow sign-in with ${p.name} again` : `Allow sign-in with ${p.name}`}
                  </button>
                  {grant ? <span className="text-xs text-slate-600">Allowed until {formatUtc(grant.expiresAt)}, not used yet</span> : null}
                </div>
              );
            })}
          </div>
        </div>
      ) : null}
    </section>
  );
}
