"use server";

import { redirect } from "next/navigation";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { signInWithPasswordAction } from "@/lib/auth/actions/sign-in-with-password";
import { setChallengeCookie } from "@/lib/auth/challenge-cookie";
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from "@/lib/auth/safe-next-path";

export type PasswordStepState = { error: string; fieldErrors?: Record<string, string[]> } | null;

/** Sign-in step 1. On success the challenge goes into an httpOnly cookie and the browser moves to step 2. */
export async function signInWithPassword(_previous: PasswordStepState, form: FormData): Promise<PasswordStepState> {
  const next = safeNextPath(form.get("next"));
  const result = await executeAction(signInWithPasswordAction, await requestContext(), { email: form.get("email"), password: form.get("password") });
  if (!result.ok) return { error: result.error.message, fieldErrors: result.error.fieldErrors };
  await setChallengeCookie(result.data.challengeId);
  redirect(`/sign-in/${result.data.next}${next === DEFAULT_AFTER_SIGN_IN ? "" : `?next=${encodeURIComponent(next)}`}`);
}
