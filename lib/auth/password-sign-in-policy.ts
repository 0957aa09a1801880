/**
 * Whether a password may sign anyone in (OPSDECK_PASSWORD_SIGNIN, read in lib/config/env.ts).
 *
 * "on" (the default): email + password + the console's TOTP, as always.
 * "off": only single sign-on signs people in. The one exception is a break-glass account: an enabled local
 * admin with a password and console TOTP, inside a window opened from the server's CLI
 * (`npm run opsdeck -- break-glass enable`, lib/auth/break-glass/). "off" without any SSO provider is refused
 * at boot: nobody could sign in.
 *
 * Every way a password could turn into a session, and how each one is closed while "off":
 * - Sign-in step 1 (actions/sign-in-with-password.ts) refuses with FORBIDDEN and an `auth.signin` row
 *   (denied, reason password_sign_in_disabled), unless the account is in an open break-glass window.
 * - Setup links (actions/complete-setup.ts): the first-admin link is refused (the first admin signs in with
 *   SSO, through a group mapped to admin). An invite or reset link still saves the password — it is for the
 *   day password sign-in is turned back on — but opens no sign-in challenge, so it signs nobody in (again
 *   except an account in an open break-glass window, which could sign in with that password anyway).
 * - next-auth's Credentials provider (auth-options.ts) only turns an MFA challenge (in its httpOnly cookie)
 *   into a session. Challenges come from the two steps above or from the SSO callback, so it needs no check
 *   of its own. A challenge opened before a restart with "off" lives at most 15 minutes.
 */
import type { ActionContext } from "../actions/action-context";
import { appendAuditEvent } from "../audit/append-audit-event";
import { ConfigError, passwordSignInEnv, type PasswordSignInSetting } from "../config/env";
import { parseOidcSettings } from "./oidc/config";

export type { PasswordSignInSetting };

/** What the person signing in reads for every refusal while password sign-in is off (never which accounts exist). */
export const PASSWORD_SIGN_IN_OFF_MESSAGE =
  "Password sign-in is turned off on this console. Sign in with single sign-on instead. (Break-glass account: check your email and password.)";

export const PASSWORD_SIGN_IN_OFF_REASON = "password_sign_in_disabled";

export function passwordSignInSetting(source: Record<string, string | undefined> = process.env): PasswordSignInSetting {
  return passwordSignInEnv(source);
}

export function passwordSignInEnabled(source: Record<string, string | undefined> = process.env): boolean {
  return passwordSignInEnv(source) === "on";
}

/**
 * The configuration problems of this setting, for boot: an invalid value, or "off" with no usable SSO
 * provider (none configured, or OPSDECK_OIDC_PROVIDERS itself invalid).
 */
export function passwordSignInConfigProblems(source: Record<string, string | undefined> = process.env): string[] {
  let setting: PasswordSignInSetting;
  try {
    setting = passwordSignInEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  if (setting === "on") return [];
  let providers: number;
  try {
    providers = parseOidcSettings(source).length;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [...error.problems, "OPSDECK_PASSWORD_SIGNIN: is off, so single sign-on is the only way in, but the SSO configuration is not valid (see above)"];
  }
  if (providers === 0)
    return [
      "OPSDECK_PASSWORD_SIGNIN: is off, but neither OPSDECK_OIDC_ISSUER nor OPSDECK_OIDC_PROVIDERS configures a single sign-on provider, so nobody could sign in. Configure a provider, or remove OPSDECK_PASSWORD_SIGNIN (or set it to on).",
    ];
  return [];
}

/** Boot check (lib/server/boot.ts): throws ConfigError naming what to change. */
export function assertPasswordSignInConfig(source: Record<string, string | undefined> = process.env): PasswordSignInSetting {
  const problems = passwordSignInConfigProblems(source);
  if (problems.length > 0) throw new ConfigError(problems);
  return passwordSignInEnv(source);
}

/** The `auth.signin` row for a password step refused because password sign-in is off. */
export async function auditPasswordSignInRefused(ctx: ActionContext, params: { email: string; userId: string | null; step: "password" | "setup" }) {
  await appendAuditEvent({
    action: "auth.signin",
    resourceType: "user",
    resourceId: params.userId,
    outcome: "denied",
    actor: null,
    params: { email: params.email, reason: PASSWORD_SIGN_IN_OFF_REASON, step: params.step },
    error: PASSWORD_SIGN_IN_OFF_REASON,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  });
}
