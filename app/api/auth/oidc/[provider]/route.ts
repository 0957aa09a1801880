/**
 * GET /api/auth/oidc/<provider>?next=… — starts SSO: discovery, PKCE + state + nonce, redirect to the IdP.
 * GET /api/auth/oidc/<provider>?step-up=1&next=… — a signed-in user proves MFA again at an IdP linked to
 * their account and trusted for MFA: the same flow with prompt=login and max_age=0, bound to this session
 * (lib/auth/oidc/step-up-with-oidc.ts). Its outcome lands on /sign-in/step-up-done.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getCurrentActor } from "@/lib/auth/current-actor";
import { beginAuthorization } from "@/lib/auth/oidc/client";
import { oidcProvider } from "@/lib/auth/oidc/config";
import { setOidcFlowCookie } from "@/lib/auth/oidc/flow-cookie";
import { oidcCallbackPath } from "@/lib/auth/oidc/public-providers";
import { stepUpDoneUrl, stepUpReturnPath } from "@/lib/auth/oidc/step-up-messages";
import { beginOidcStepUp } from "@/lib/auth/oidc/step-up-with-oidc";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { isAppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { requestOrigin } from "@/lib/server/request-origin";

export const dynamic = "force-dynamic";

async function startStepUp(request: NextRequest, id: string, base: string) {
  const returnTo = stepUpReturnPath(request.nextUrl.searchParams.get("next"), safeNextPath);
  const actor = await getCurrentActor();
  if (!actor) return NextResponse.redirect(new URL(stepUpDoneUrl("signed-out", returnTo), base));
  try {
    const { url, flow } = await beginOidcStepUp(actor, id, new URL(oidcCallbackPath(id), base).toString(), returnTo);
    await setOidcFlowCookie(flow);
    return NextResponse.redirect(url);
  } catch (error) {
    if (isAppError(error) && error.code === "FORBIDDEN") return NextResponse.redirect(new URL(stepUpDoneUrl("not-linked", returnTo), base));
    log.error("SSO step-up: could not reach the identity provider", { provider: id, error: error instanceof Error ? error.message : String(error) });
    return NextResponse.redirect(new URL(stepUpDoneUrl("unavailable", returnTo), base));
  }
}

export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider: id } = await params;
  const base = requestOrigin(request);
  if (request.nextUrl.searchParams.get("step-up") === "1") return startStepUp(request, id, base);
  let provider;
  try {
    provider = oidcProvider(id);
  } catch (error) {
    log.error("SSO is misconfigured", { error: error instanceof Error ? error.message : String(error) });
  }
  if (!provider) return NextResponse.redirect(new URL("/sign-in?sso=unavailable", base));
  try {
    const { url, flow } = await beginAuthorization(provider, new URL(oidcCallbackPath(provider.id), base).toString(), safeNextPath(request.nextUrl.searchParams.get("next")));
    await setOidcFlowCookie(flow);
    return NextResponse.redirect(url);
  } catch (error) {
    log.error("SSO: could not reach the identity provider", { provider: provider.id, error: error instanceof Error ? error.message : String(error) });
    return NextResponse.redirect(new URL("/sign-in?sso=unavailable", base));
  }
}
