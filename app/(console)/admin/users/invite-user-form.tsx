"use client";

import { useActionState, useState } from "react";
import { Field, FormAlert, inputStyles, SubmitButton } from "@/components/form-controls";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/policy";
import { inviteUser, type InviteState } from "./actions";
import { SetupLinkBox } from "./setup-link-box";

export function InviteUserForm() {
  const [state, action] = useActionState<InviteState, FormData>(inviteUser, null);
  const [role, setRole] = useState<Role>("viewer");
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  return (
    <div className="space-y-4">
      {state?.ok ? <SetupLinkBox key={state.data.setupPath} email={state.data.email} setupPath={state.data.setupPath} expiresAt={state.data.expiresAt} /> : null}
      <form action={action} className="space-y-3" noValidate>
        {state && !state.ok && !errors ? <FormAlert>{state.error.message}</FormAlert> : null}
        <div className="grid gap-4 md:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_11rem_auto] md:items-start">
          <Field label="Email" name="email" type="email" autoComplete="off" required errors={errors?.email} />
          <Field label="Name (optional)" name="name" autoComplete="off" errors={errors?.name} />
          <div>
            <label htmlFor="invite-role" className="block text-sm font-medium text-slate-900">
              Role
            </label>
            <select id="invite-role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={`mt-1.5 ${inputStyles}`}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r].label}
                </option>
              ))}
            </select>
          </div>
          <div className="md:pt-7">
            <SubmitButton pendingLabel="Creating…" className="w-full md:w-auto">
              Create user and link
            </SubmitButton>
          </div>
        </div>
        <p className="text-sm text-slate-600">
          <span className="font-medium text-slate-900">{ROLE_LABELS[role].label}:</span> {ROLE_LABELS[role].description}.
        </p>
      </form>
    </div>
  );
}
