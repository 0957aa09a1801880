"use client";

import { useActionState, useState } from "react";
import { Field, FormAlert, SubmitButton } from "@/components/form-controls";
import { signInWithPassword, type PasswordStepState } from "./actions";

export function SignInForm({ next }: { next: string }) {
  const [state, action] = useActionState<PasswordStepState, FormData>(signInWithPassword, null);
  const [email, setEmail] = useState("");
  return (
    <form action={action} className="space-y-5" noValidate>
      {state?.error && !state.fieldErrors ? <FormAlert>{state.error}</FormAlert> : null}
      <input type="hidden" name="next" value={next} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        autoFocus
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        errors={state?.fieldErrors?.email}
      />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required errors={state?.fieldErrors?.password} />
      <SubmitButton className="w-full" pendingLabel="Checking…">
        Continue
      </SubmitButton>
    </form>
  );
}
