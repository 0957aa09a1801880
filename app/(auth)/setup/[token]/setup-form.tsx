"use client";

import { useActionState, useState } from "react";
import { Field, FormAlert, SubmitButton } from "@/components/form-controls";
import { completeSetup, type SetupState } from "./actions";

export function SetupForm({ token, fixedEmail, submitLabel }: { token: string; fixedEmail: string | null; submitLabel: string }) {
  const [state, action] = useActionState<SetupState, FormData>(completeSetup, null);
  const [email, setEmail] = useState(fixedEmail ?? "");
  const [name, setName] = useState("");
  const errors = state?.fieldErrors;
  return (
    <form action={action} className="space-y-5" noValidate>
      {state?.error && !errors ? <FormAlert>{state.error}</FormAlert> : null}
      <input type="hidden" name="token" value={token} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        readOnly={fixedEmail !== null}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        errors={errors?.email}
      />
      <Field label="Name" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} hint="Optional. Shown to other admins." errors={errors?.name} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        hint="At least 12 characters. A few unrelated words make a strong, memorable password."
        errors={errors?.password}
      />
      <Field label="Repeat password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
      <SubmitButton className="w-full" pendingLabel="Saving…">
        {submitLabel}
      </SubmitButton>
    </form>
  );
}
