"use client";

/**
 * Retention (admin): the policy form (grandfather-father-son counts and a minimum always kept) and,
 * per service, a preview of what the policy would delete now — with "Apply now" (each deletion is
 * audited; the nightly maintenance job applies it anyway).
 */
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Card } from "@/components/card";
import { buttonStyles, inputStyles } from "@/components/form-styles";
import type { RetentionPreviewView } from "@/lib/backups/backups-page-data";
import type { RetentionPolicy } from "@/lib/backups/retention-plan";
import { applyRetention, updateRetention } from "./actions";

const FIELDS: Array<{ key: keyof RetentionPolicy; label: string; hint: string }> = [
  { key: "daily", label: "Daily", hint: "newest backup of each of the last N days with one" },
  { key: "weekly", label: "Weekly", hint: "newest of each of the last N weeks" },
  { key: "monthly", label: "Monthly", hint: "newest of each of the last N months" },
  { key: "minKeep", label: "Always keep", hint: "newest N good backups, whatever their age" },
];

export function RetentionPolicyForm({ policy }: { policy: RetentionPolicy }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<keyof RetentionPolicy, string>>({ daily: String(policy.daily), weekly: String(policy.weekly), monthly: String(policy.monthly), minKeep: String(policy.minKeep) });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const base = useId();

  return (
    <Card title="Retention policy" description="Applies to every service, locally and to remote copies. Named backups, unverified ones and the newest good backup are never deleted; deletion pauses while recent backups fail.">
      <form
        data-testid="retention-form"
        onSubmit={(e) => {
          e.preventDefault();
          setMessage(null);
          startTransition(async () => {
            const result = await updateRetention(values);
            if (result.ok) {
              setMessage({ ok: true, text: "Saved. The previews above show what it would delete." });
              router.refresh();
            } else setMessage({ ok: false, text: [result.error.message, ...Object.values(result.error.fieldErrors ?? {}).flat()].join(" ") });
          });
        }}
        className="space-y-3"
      >
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {FIELDS.map((f) => (
            <div key={f.key}>
              <label htmlFor={`${base}-${f.key}`} className="block text-sm font-medium text-slate-900">
                {f.label}
              </label>
              <input
                id={`${base}-${f.key}`}
                type="number"
                inputMode="numeric"
                min={f.key === "minKeep" ? 1 : 0}
                value={values[f.key]}
                onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                aria-describedby={`${base}-${f.key}-hint`}
                className={`mt-1.5 tabular-nums ${inputStyles}`}
              />
              <p id={`${base}-${f.key}-hint`} className="mt-1 text-xs text-slate-600">
                {f.hint}
              </p>
            </div>
          ))}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={buttonStyles.primary} disabled={pending}>
            {pending ? "Saving…" : "Save policy"}
          </button>
          {message ? (
            <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-emerald-800" : "text-red-800"}`}>
              {message.text}
            </p>
          ) : null}
        </div>
      </form>
    </Card>
  );
}

export function RetentionPreview({ preview }: { preview: RetentionPreviewView | { error: string } | undefined }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!preview) return <p className="text-sm text-slate-600">No preview: the service&rsquo;s compose project is not known yet.</p>;
  if ("error" in preview) return <p className="text-sm text-red-800">Preview unavailable: {preview.error}</p>;
  const folder = (id: string) => id.split("/")[2];
  if (preview.onDisk === 0) return <p className="text-sm text-slate-600" data-testid={`retention-preview-${preview.service}`}>No backups on disk yet: nothing to keep or delete.</p>;
  return (
    <div className="space-y-2 text-sm" data-testid={`retention-preview-${preview.service}`}>
      <p className="text-slate-700">
        {preview.onDisk} backup{preview.onDisk === 1 ? "" : "s"} on disk: {preview.keep.length} kept,{" "}
        <span className={preview.wouldDelete.length ? "font-medium text-slate-900" : ""}>{preview.wouldDelete.length} would be deleted</span> by the current policy.
      </p>
      {preview.paused ? (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-amber-950 ring-1 ring-amber-200 ring-inset">
          Paused: {preview.pausedReason}
        </p>
      ) : null}
      {preview.wouldDelete.length ? (
        <ul className="flex flex-wrap gap-1.5">
          {preview.wouldDelete.map((id) => (
            <li key={id} className="rounded bg-red-50 px-1.5 py-0.5 font-mono text-xs text-red-900 ring-1 ring-red-200 ring-inset">
              {folder(id)}
            </li>
          ))}
        </ul>
      ) : null}
      {preview.wouldDelete.length && !preview.paused ? (
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            className={buttonStyles.secondary}
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await applyRetention({ stack: preview.stack, service: preview.service });
                setMessage(result.ok ? { ok: true, text: `Deleted ${result.data.deleted.length}.` } : { ok: false, text: result.error.message });
                if (result.ok) router.refresh();
              })
            }
          >
            {pending ? "Applying…" : `Delete these ${preview.wouldDelete.length} now`}
          </button>
          {message ? <span className={message.ok ? "text-emerald-800" : "text-red-800"}>{message.text}</span> : null}
        </div>
      ) : null}
    </div>
  );
}
