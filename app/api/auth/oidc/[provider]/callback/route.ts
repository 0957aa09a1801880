/**
 * GET /api/auth/oidc/<provider>/callback — the IdP's redirect back. Runs auth.signin.oidc; then either a
 * session cookie (IdP-proven MFA the provider is trusted for) or the same TOTP / enrolment step as a
 * password sign-in. Refusals land on /sign-in with a message. A flow cookie marked "step-up" (a signed-in
 * user re-authenticating to prove MFA again) runs auth.mfa.step_up.oidc instead, and lands on
 * /sign-in/step-up-done with its outcome: never a sign-in, never a new session.
 */
import { NextResponse, type NextRequest } from "next/server";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { setChallengeCookie } from "@/lib/auth/challenge-cookie";
import { takeOidcFlowCookie, setSessionTokenCookie } from "@/lib/auth/oidc/flow-cookie";
import { oidcCallbackPath } from "@/lib/auth/oidc/public-providers";
import { isStepUpFlow } from "@/lib/auth/oidc/client";
import { signInWithOidcAction, ssoCodeForMessage } from "@/lib/auth/oidc/sign-in-with-oidc";
import { stepUpDoneUrl } from "@/lib/auth/oidc/step-up-messages";
import { stepUpResultForMessage, stepUpWithOidcAction } from "@/lib/auth/oidc/step-up-with-oidc";
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from "@/lib/auth/safe-next-path";
import { requestOrigin } from "@/lib/server/request-origin";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider: id } = await params;
  const base = requestOrigin(request);
  const callbackUrl = new URL(oidcCallbackPath(id), base);
  callbackUrl.search = request.nextUrl.search;
  const flow = await takeOidcFlowCookie();
  if (isStepUpFlow(flow)) {
    const stepUp = await executeAction(stepUpWithOidcAction, await requestContext(), { providerId: id, callbackUrl: callbackUrl.toString(), flow });
    return NextResponse.redirect(new URL(stepUpDoneUrl(stepUp.ok ? "ok" : stepUpResultForMessage(stepUp.error.message), flow.returnTo), base));
  }
  const result = await executeAction(signInWithOidcAction, await requestContext(), { providerId: id, callbackUrl: callbackUrl.toString(), flow });
  if (!result.ok) {
    return NextResponse.redirect(new URL(`/sign-in?sso=${ssoCodeForMessage(result.error.message)}`, base));
  }
  const next = safeNextPath(flow?.next);
  if (result.data.kind === "session") {
    await setSessionTokenCookie({ userId: result.data.userId, sessionId: result.data.sessionId });
    return NextResponse.redirect(new URL(next, base));
  }
  await setChallengeCookie(result.data.challengeId);
  const suffix = next === DEFAULT_AFTER_SIGN_IN ? "" : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(new URL(`/sign-in/${result.data.next}${suffix}`, base));
}
