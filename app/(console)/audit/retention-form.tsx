"use client";

/** Admin form for the audit retention policy (server action `updateRetentionPolicy`, audited). */
import { useActionState } from "react";
import { Field, FormAlert, SubmitButton } from "@/components/form-controls";
import { updateRetentionPolicy } from "./actions";

export function RetentionForm({ days }: { days: number }) {
  const [state, formAction] = useActionState(updateRetentionPolicy, null);
  return (
    <form action={formAction} className="flex flex-col gap-3">
      <Field
        label="Keep audit entries for (days)"
        name="days"
        type="number"
        inputMode="numeric"
        min={30}
        max={36500}
        required
        defaultValue={state?.ok ? state.data.days : days}
        hint="At least 30. 365 meets the runbooks' minimum; 2557 keeps 7 years (HIPAA)."
        errors={state && !state.ok ? state.error.fieldErrors?.days : undefined}
      />
      {state && !state.ok && !state.error.fieldErrors?.days ? <FormAlert>{state.error.message}</FormAlert> : null}
      {state?.ok ? <FormAlert tone="success">Saved: entries are kept {state.data.days} days.</FormAlert> : null}
      <div>
        <SubmitButton pendingLabel="Saving…">Save policy</SubmitButton>
      </div>
    </form>
  );
}
