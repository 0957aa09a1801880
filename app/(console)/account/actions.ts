"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { executeAction, type ActionResult } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { regenerateRecoveryCodesAction } from "@/lib/auth/actions/regenerate-recovery-codes";
import { revokeOwnSessionAction } from "@/lib/auth/actions/revoke-own-session";
import { signOutAction } from "@/lib/auth/actions/sign-out";
import { clearSessionCookie } from "@/lib/auth/session-cookie";

/** Ends this browser's session (audited, revoked server-side), clears the cookie, back to sign-in. */
export async function signOut() {
  const ctx = await requestContext();
  if (ctx.actor) await executeAction(signOutAction, ctx, {});
  await clearSessionCookie();
  redirect("/sign-in?signed-out=1");
}

export async function revokeSession(sessionId: string): Promise<ActionResult<{ revoked: string; current: boolean }>> {
  const result = await executeAction(revokeOwnSessionAction, await requestContext(), { sessionId });
  if (result.ok && result.data.current) {
    await clearSessionCookie();
    redirect("/sign-in?signed-out=1");
  }
  revalidatePath("/account");
  return result;
}

export async function regenerateRecoveryCodes(): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  return executeAction(regenerateRecoveryCodesAction, await requestContext(), {});
}
