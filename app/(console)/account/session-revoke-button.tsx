"use client";

import { useState, useTransition } from "react";
import { buttonStyles } from "@/components/form-controls";
import { revokeSession } from "./actions";

export function SessionRevokeButton({ sessionId, current, label }: { sessionId: string; current: boolean; label: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-start gap-1 sm:items-end">
      <button
        type="button"
        disabled={pending}
        aria-label={`${current ? "Sign out this browser" : "Revoke"}: ${label}`}
        className={buttonStyles.secondary}
        onClick={() =>
          start(async () => {
            const result = await revokeSession(sessionId);
            setError(result.ok ? null : result.error.message);
          })
        }
      >
        {pending ? "Revoking…" : current ? "Sign out" : "Revoke"}
      </button>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
