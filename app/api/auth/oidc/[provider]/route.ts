/** GET /api/auth/oidc/<provider>?next=… — starts SSO: discovery, PKCE + state + nonce, redirect to the IdP. */
import { NextResponse, type NextRequest } from "next/server";
import { log } from "@/lib/log/logger";
import { beginAuthorization } from "@/lib/auth/oidc/client";
import { oidcProvider } from "@/lib/auth/oidc/config";
import { setOidcFlowCookie } from "@/lib/auth/oidc/flow-cookie";
import { oidcCallbackPath } from "@/lib/auth/oidc/public-providers";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { requestOrigin } from "@/lib/server/request-origin";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider: id } = await params;
  const base = requestOrigin(request);
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
