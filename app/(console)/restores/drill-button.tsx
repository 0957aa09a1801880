"use client";

/** Restore drill for one service: the latest backup into a throwaway container, counts verified, container removed. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonStyles } from "@/components/form-styles";
import { runDrill } from "./actions";

export function DrillButton({ service }: { service: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function drill() {
    setPending(true);
    setMessage(null);
    try {
      const r = await runDrill({ service });
      if (r.ok) {
        setMessage({ ok: r.data.status === "succeeded", text: r.data.status === "succeeded" ? `Drill passed: ${r.data.verification ?? "restored"}${r.data.containerRemoved ? "; throwaway container removed" : ""}.` : `Drill failed: ${r.data.error}` });
        router.refresh();
      } else setMessage({ ok: false, text: r.error.message });
    } catch {
      setMessage({ ok: false, text: "The console did not answer; the drill result will show in the history." });
    } finally {
      setPending(false);
    }
  }
  return (
    <div className="flex flex-col gap-1">
      <button type="button" className={buttonStyles.secondary} disabled={pending} onClick={() => void drill()}>
        {pending ? `Drilling ${service}…` : `Restore drill: ${service}`}
      </button>
      {message ? <p role={message.ok ? "status" : "alert"} className={`text-xs ${message.ok ? "text-emerald-800" : "text-red-800"}`}>{message.text}</p> : null}
    </div>
  );
}
