"use server";

import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { confirmMfaEnrolmentAction } from "@/lib/auth/actions/confirm-mfa-enrolment";
import { readChallengeCookie } from "@/lib/auth/challenge-cookie";

export type EnrolmentState = { error: string } | { recoveryCodes: string[] } | null;

/** Confirms the new authenticator with a code; returns the recovery codes to show once. */
export async function confirmEnrolment(_previous: EnrolmentState, form: FormData): Promise<EnrolmentState> {
  const result = await executeAction(confirmMfaEnrolmentAction, await requestContext(), { challengeId: await readChallengeCookie(), code: form.get("code") });
  if (!result.ok) return { error: result.error.fieldErrors?.code?.[0] ?? result.error.message };
  return { recoveryCodes: result.data.recoveryCodes };
}
