"use server";

import { redirect } from "next/navigation";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { completeSetupAction } from "@/lib/auth/actions/complete-setup";
import { setChallengeCookie } from "@/lib/auth/challenge-cookie";

export type SetupState = { error: string; fieldErrors?: Record<string, string[]> } | null;

/** Uses a one-time setup link: creates or completes the account, then on to MFA. */
export async function completeSetup(_previous: SetupState, form: FormData): Promise<SetupState> {
  const result = await executeAction(completeSetupAction, await requestContext(), {
    token: form.get("token"),
    email: form.get("email"),
    name: form.get("name") ?? undefined,
    password: form.get("password"),
    confirmPassword: form.get("confirmPassword"),
  });
  if (!result.ok) return { error: result.error.message, fieldErrors: result.error.fieldErrors };
  // Password sign-in is off: the password is saved, but only single sign-on signs in.
  if (!result.data.challengeId) redirect("/sign-in?password-saved=1");
  await setChallengeCookie(result.data.challengeId);
  redirect(`/sign-in/${result.data.next}`);
}
