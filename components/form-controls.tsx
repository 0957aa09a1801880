"use client";

/**
 * Form building blocks shared by the sign-in, setup, account and user-management forms: a labelled
 * field with its hint and error (wired with aria-describedby / aria-invalid), a submit button that
 * shows progress, an alert, and the button styles.
 */
import { useId, type InputHTMLAttributes, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { buttonStyles, inputStyles } from "./form-styles";

export { buttonStyles, inputStyles };

export type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  name: string;
  hint?: ReactNode;
  errors?: string[] | undefined;
};

export function Field({ label, name, hint, errors, className, ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = Boolean(errors?.length);
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <input id={id} name={name} aria-invalid={invalid || undefined} aria-describedby={describedBy} className={`mt-1.5 ${inputStyles}`} {...input} />
      {hint ? (
        <p id={hintId} className="mt-1.5 text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      {invalid ? (
        <p id={errorId} className="mt-1.5 text-sm font-medium text-red-700">
          {errors!.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({ children, pendingLabel, variant = "primary", className }: { children: ReactNode; pendingLabel?: string; variant?: keyof typeof buttonStyles; className?: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} aria-disabled={pending} className={`${buttonStyles[variant]} ${className ?? ""}`}>
      {pending ? (pendingLabel ?? "Working…") : children}
    </button>
  );
}

const ALERT_TONES = {
  error: "border-red-200 bg-red-50 text-red-900",
  info: "border-sky-200 bg-sky-50 text-sky-950",
  success: "border-emerald-200 bg-emerald-50 text-emerald-950",
  warning: "border-amber-200 bg-amber-50 text-amber-950",
} as const;

export function FormAlert({ tone = "error", children, className }: { tone?: keyof typeof ALERT_TONES; children: ReactNode; className?: string }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded-lg border px-3 py-2.5 text-sm ${ALERT_TONES[tone]} ${className ?? ""}`}>
      {children}
    </div>
  );
}
