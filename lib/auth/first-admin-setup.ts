/**
 * First start without a default password: when the console has no users, a one-time link to create the
 * first admin (valid 30 minutes, single use) is printed to the log. Called by server.ts once it listens.
 * Creating the link is audited like any other change (actor: none, user agent "opsdeck-boot").
 */
import { randomUUID } from "node:crypto";
import { performAction } from "../actions/perform-action";
import { prisma } from "../db/prisma";
import { log } from "../log/logger";
import { passwordSignInEnabled } from "./password-sign-in-policy";
import { createSetupToken, FIRST_ADMIN_LINK_TTL_MS, setupUrl } from "./setup-tokens";

/** Returns the link it printed, or null when users exist already. */
export async function announceFirstAdminSetup(baseUrl: string, now: Date = new Date()): Promise<string | null> {
  const users = await prisma().user.count();
  if (users > 0) return null;
  // Password sign-in off: a first-admin link would only be refused (complete-setup.ts); the first admin comes from SSO.
  if (!passwordSignInEnabled()) {
    log.info("No accounts yet. Password sign-in is off: the first admin signs in with single sign-on, through a group OPSDECK_OIDC_PROVIDERS maps to admin");
    return null;
  }
  const { token } = await performAction(
    { actor: null, ip: null, userAgent: "opsdeck-boot", requestId: `boot-${randomUUID()}` },
    { action: "auth.setup-link.create", permission: "public", resource: { type: "setup_token" }, params: { purpose: "first-admin" } },
    () => createSetupToken({ purpose: "first-admin", ttlMs: FIRST_ADMIN_LINK_TTL_MS, now }),
  );
  const url = setupUrl(baseUrl, token);
  log.info(`Open ${url} to create the first admin (valid ${Math.round(FIRST_ADMIN_LINK_TTL_MS / 60_000)} minutes)`);
  return url;
}
