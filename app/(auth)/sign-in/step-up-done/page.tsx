import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/form-styles";
import { STEP_UP_DONE_PATH, STEP_UP_RESULTS, stepUpResult } from "@/lib/auth/oidc/step-up-messages";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { AuthCard } from "../../auth-card";
import { StepUpDoneNotice } from "./step-up-done-notice";

export const metadata: Metadata = { title: "Identity confirmed" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Where an IdP step-up (re-authentication for a restore or a rollback) lands: in the popup the console
 * page opened, it tells that page the outcome and closes; in the console's own window (popup blocked), it
 * links back to the page. The outcome is a code; the copy is ours.
 */
export default async function StepUpDonePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const result = stepUpResult(params.result);
  const rawBack = typeof params.back === "string" ? params.back : null;
  const back = rawBack ? safeNextPath(rawBack) : null;
  const ok = result === "ok";
  return (
    <AuthCard title={ok ? "Identity confirmed" : "Not confirmed"} description={STEP_UP_RESULTS[result]}>
      <div className="space-y-4" data-testid="step-up-done" data-result={result}>
        <StepUpDoneNotice ok={ok} result={result} message={STEP_UP_RESULTS[result]} inPopup={!back} />
        {back && back !== STEP_UP_DONE_PATH ? (
          <Link href={back} className={buttonStyles.primary}>
            {ok ? "Go back and continue" : "Go back"}
          </Link>
        ) : null}
      </div>
    </AuthCard>
  );
}
