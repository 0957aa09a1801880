"use server";

import { revalidatePath } from "next/cache";
import { executeAction, type ActionResult } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { allowIdentityLinkAction } from "@/lib/users/actions/allow-identity-link";
import { changeUserRoleAction } from "@/lib/users/actions/change-role";
import { createUserAction } from "@/lib/users/actions/create-user";
import { deleteUserAction } from "@/lib/users/actions/delete-user";
import { disableUserAction } from "@/lib/users/actions/disable-user";
import { enableUserAction } from "@/lib/users/actions/enable-user";
import { issueSetupLinkAction } from "@/lib/users/actions/issue-setup-link";
import { resetUserMfaAction } from "@/lib/users/actions/reset-mfa";
import { revokeUserSessionsAction } from "@/lib/users/actions/revoke-user-sessions";
import { revokeSsoSessionsAction } from "@/lib/users/actions/revoke-sso-sessions";
import { unlinkIdentityAction } from "@/lib/users/actions/unlink-identity";

const PAGE = "/admin/users";

export type InviteState = ActionResult<{ email: string; setupPath: string; expiresAt: string }> | null;

export async function inviteUser(_previous: InviteState, form: FormData): Promise<InviteState> {
  const result = await executeAction(createUserAction, await requestContext(), { email: form.get("email"), name: form.get("name") ?? undefined, role: form.get("role") });
  if (result.ok) revalidatePath(PAGE);
  return result.ok ? { ok: true, data: { email: result.data.email, setupPath: result.data.setupPath, expiresAt: result.data.expiresAt } } : result;
}

export async function changeUserRole(userId: string, role: string) {
  const result = await executeAction(changeUserRoleAction, await requestContext(), { userId, role });
  revalidatePath(PAGE);
  return result;
}

export async function disableUser(userId: string) {
  const result = await executeAction(disableUserAction, await requestContext(), { userId });
  revalidatePath(PAGE);
  return result;
}

export async function enableUser(userId: string) {
  const result = await executeAction(enableUserAction, await requestContext(), { userId });
  revalidatePath(PAGE);
  return result;
}

export async function resetUserMfa(userId: string) {
  const result = await executeAction(resetUserMfaAction, await requestContext(), { userId });
  revalidatePath(PAGE);
  return result;
}

export async function revokeUserSessions(userId: string) {
  const result = await executeAction(revokeUserSessionsAction, await requestContext(), { userId });
  revalidatePath(PAGE);
  return result;
}

export async function issueSetupLink(userId: string) {
  const result = await executeAction(issueSetupLinkAction, await requestContext(), { userId });
  revalidatePath(PAGE);
  return result;
}

export async function deleteUser(userId: string) {
  const result = await executeAction(deleteUserAction, await requestContext(), { userId });
  revalidatePath(PAGE);
  return result;
}

/** Every SSO user (or those linked to one provider) must sign in again. */
export async function revokeSsoSessions(providerId: string | null) {
  const result = await executeAction(revokeSsoSessionsAction, await requestContext(), { providerId: providerId ?? undefined });
  revalidatePath(PAGE);
  return result;
}

export async function allowIdentityLink(userId: string, providerId: string) {
  const result = await executeAction(allowIdentityLinkAction, await requestContext(), { userId, providerId });
  revalidatePath(PAGE);
  return result;
}

export async function unlinkIdentity(userId: string, identityId: string) {
  const result = await executeAction(unlinkIdentityAction, await requestContext(), { userId, identityId });
  revalidatePath(PAGE);
  return result;
}
