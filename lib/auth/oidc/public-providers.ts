/**
 * What the sign-in page may know about the SSO providers (id and display name), and the messages for the
 * `?sso=` codes the callback redirects with. A broken OPSDECK_OIDC_PROVIDERS hides the buttons and is logged,
 * so local sign-in keeps working.
 */
import { log } from "../../log/logger";
import { oidcProviders } from "./config";

export function publicOidcProviders(): { id: string; name: string }[] {
  try {
    return oidcProviders().map((p) => ({ id: p.id, name: p.name }));
  } catch (error) {
    log.error("SSO is misconfigured; its sign-in buttons are hidden", { error: error instanceof Error ? error.message : String(error) });
    return [];
  }
}

export function oidcCallbackPath(providerId: string): string {
  return `/api/auth/oidc/${encodeURIComponent(providerId)}/callback`;
}
