/**
 * SSO sign-in, the callback step: verify the provider's response (code + PKCE, state, nonce, ID token —
 * openid-client), map the groups claim to a role, find the user by (issuer, subject) or create them just in
 * time, then either issue a session (the IdP proved MFA and this provider is trusted for it) or open the
 * same MFA challenge a password sign-in opens (TOTP, or enrolment on first use). An existing account is
 * never taken over by email alone: linking needs `linkVerifiedEmail` and `email_verified`, else an
 * administrator must link it. Every refusal and every sign-in writes an `auth.signin` audit row.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ActionContext } from "../../actions/action-context";
import { defineAction } from "../../actions/define-action";
import { appendAuditEvent } from "../../audit/append-audit-event";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { log } from "../../log/logger";
import { createMfaChallenge } from "../mfa-challenge";
import type { Role } from "../policy";
import { recordSignInAttempt } from "../sign-in-throttle";
import { createUserSession } from "../user-sessions";
import { consumeLinkGrant, findUsableLinkGrant } from "../../users/identity-link-grants";
import { completeAuthorization, type OidcFlowState } from "./client";
import { groupsFromClaims, idpProvedMfa, mapGroupsToRole, oidcProvider, type OidcProviderConfig } from "./config";

export type OidcRefusalReason = "provider_unknown" | "invalid_response" | "no_email" | "no_mapped_group" | "email_in_use" | "disabled";

export const SSO_FAILED_MESSAGE = "Single sign-on did not complete. Try again.";
export const NO_ROLE_MESSAGE = "Your account at the identity provider is not in any group that has access to this console. Ask an administrator to add you to one.";
export const EMAIL_IN_USE_MESSAGE =
  "A console account with this email already exists. An administrator must link it to this identity provider before you can sign in with it.";
export const DISABLED_MESSAGE = "This account is disabled. Ask an administrator.";
export const NO_EMAIL_MESSAGE = "The identity provider did not share an email address for your account.";

/** `?sso=` codes for the sign-in page (never free text in the URL: the page shows its own copy). */
export const SSO_MESSAGES = {
  failed: SSO_FAILED_MESSAGE,
  "no-role": NO_ROLE_MESSAGE,
  "email-in-use": EMAIL_IN_USE_MESSAGE,
  disabled: DISABLED_MESSAGE,
  "no-email": NO_EMAIL_MESSAGE,
  unavailable: "The identity provider could not be reached. Try again, or ask an administrator.",
} as const;
export type SsoMessageCode = keyof typeof SSO_MESSAGES;

export function ssoCodeForMessage(message: string): SsoMessageCode {
  const hit = (Object.entries(SSO_MESSAGES) as [SsoMessageCode, string][]).find(([, text]) => text === message);
  return hit ? hit[0] : "failed";
}

export function ssoMessage(code: unknown): string | null {
  return typeof code === "string" && Object.hasOwn(SSO_MESSAGES, code) ? SSO_MESSAGES[code as SsoMessageCode] : null;
}

export type OidcSignInResult =
  | { kind: "session"; userId: string; sessionId: string; role: Role }
  | { kind: "challenge"; userId: string; challengeId: string; next: "mfa" | "enroll"; role: Role };

async function refuse(
  ctx: ActionContext,
  provider: Pick<OidcProviderConfig, "id"> | null,
  params: { reason: OidcRefusalReason; email?: string | null; userId?: string | null; subject?: string | null; groups?: string[] },
  message: string,
  detail?: string,
): Promise<never> {
  const denied = params.reason !== "invalid_response" && params.reason !== "provider_unknown";
  await appendAuditEvent({
    action: "auth.signin",
    resourceType: "user",
    resourceId: params.userId ?? null,
    outcome: denied ? "denied" : "failed",
    actor: null,
    params: { email: params.email ?? "(unknown)", method: "oidc", provider: provider?.id ?? null, subject: params.subject ?? null, groups: params.groups, reason: params.reason, step: "sso" },
    error: params.reason,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  });
  if (params.email) await recordSignInAttempt({ email: params.email, ip: ctx.ip, success: false, reason: params.reason === "disabled" ? "disabled" : "no_such_user" });
  throw new AppError(params.reason === "invalid_response" || params.reason === "provider_unknown" ? "UNAUTHENTICATED" : "FORBIDDEN", message, { logDetail: detail ?? `SSO refused: ${params.reason}` });
}

// `purpose`: a step-up flow (lib/auth/oidc/step-up-with-oidc.ts) is refused here by name, not only by its missing `next`.
const flowSchema = z.object({ purpose: z.literal("sign-in").optional(), providerId: z.string().max(40), state: z.string().max(200), nonce: z.string().max(200), codeVerifier: z.string().max(200), next: z.string().max(2000) });

export const signInWithOidcAction = defineAction({
  action: "auth.signin.oidc",
  permission: "public",
  input: z.object({ providerId: z.string().max(40), callbackUrl: z.url().max(8000), flow: flowSchema.nullable() }),
  resourceType: "user",
  // Never the code or the flow secrets.
  params: (input) => ({ provider: input.providerId }),
  run: async (input, { ctx }): Promise<OidcSignInResult> => {
    const now = new Date();
    const provider = oidcProvider(input.providerId);
    if (!provider) return refuse(ctx, null, { reason: "provider_unknown" }, SSO_FAILED_MESSAGE);
    const flow: OidcFlowState | null = input.flow;
    if (!flow || flow.providerId !== provider.id) return refuse(ctx, provider, { reason: "invalid_response" }, SSO_FAILED_MESSAGE, "SSO callback without a matching sign-in flow");

    let claims: Record<string, unknown>;
    try {
      claims = await completeAuthorization(provider, new URL(input.callbackUrl), flow);
    } catch (error) {
      log.warn("SSO callback rejected", { provider: provider.id, error: error instanceof Error ? error.message : String(error) });
      return refuse(ctx, provider, { reason: "invalid_response" }, SSO_FAILED_MESSAGE, error instanceof Error ? error.message : undefined);
    }

    const issuer = String(claims.iss);
    const subject = String(claims.sub);
    const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null;
    const emailVerified = claims.email_verified === true;
    const name = typeof claims.name === "string" ? claims.name.slice(0, 200) : null;
    const groups = groupsFromClaims(claims, provider.groupsClaim);
    const { role, matched } = mapGroupsToRole(provider, groups);
    const who = { email, subject, groups };

    if (!role) return refuse(ctx, provider, { reason: "no_mapped_group", ...who }, NO_ROLE_MESSAGE);

    const identity = await prisma().userIdentity.findUnique({
      where: { issuer_subject: { issuer, subject } },
      select: { id: true, user: { select: { id: true, email: true, role: true, disabledAt: true, mfaEnabledAt: true, name: true } } },
    });

    let user: { id: string; email: string; role: Role; disabledAt: Date | null; mfaEnabledAt: Date | null };
    let created = false;
    let previousRole: Role | null = null;
    if (identity) {
      user = identity.user;
      if (user.disabledAt) return refuse(ctx, provider, { reason: "disabled", userId: user.id, ...who }, DISABLED_MESSAGE);
      previousRole = user.role;
      // Re-evaluated at every sign-in: a group change at the IdP promotes or demotes here. Email and name follow the IdP
      // (the email only when no other account holds it).
      const emailTaken = email && email !== user.email ? await prisma().user.findUnique({ where: { email }, select: { id: true } }) : null;
      const newEmail = email && !emailTaken ? email : user.email;
      await prisma().user.update({ where: { id: user.id }, data: { role, email: newEmail, ...(name ? { name } : {}) }, select: { id: true } });
      await prisma().userIdentity.update({ where: { id: identity.id }, data: { email }, select: { id: true } });
      user = { ...user, role, email: newEmail };
    } else {
      if (!email) return refuse(ctx, provider, { reason: "no_email", ...who }, NO_EMAIL_MESSAGE);
      const existing = await prisma().user.findUnique({ where: { email }, select: { id: true, email: true, role: true, disabledAt: true, mfaEnabledAt: true } });
      if (existing) {
        // Linking needs the provider's verified-email opt-in, or an admin's single-use grant for (this user, this
        // provider) — never for an email the IdP says is unverified (lib/users/identity-link-grants.ts).
        const byVerifiedEmail = provider.linkVerifiedEmail && emailVerified;
        const grant = byVerifiedEmail || claims.email_verified === false ? null : await findUsableLinkGrant(existing.id, provider.id, now);
        if (!byVerifiedEmail && !grant) return refuse(ctx, provider, { reason: "email_in_use", userId: existing.id, ...who }, EMAIL_IN_USE_MESSAGE);
        if (existing.disabledAt) return refuse(ctx, provider, { reason: "disabled", userId: existing.id, ...who }, DISABLED_MESSAGE);
        previousRole = existing.role;
        const linked = await prisma().$transaction(async (tx) => {
          // The grant is consumed in the same transaction as the link: a racing sign-in finds it used.
          if (grant && !(await consumeLinkGrant(tx, grant.id, now))) return false;
          await tx.userIdentity.create({ data: { id: randomUUID(), userId: existing.id, providerId: provider.id, issuer, subject, email, createdAt: now } });
          await tx.user.update({ where: { id: existing.id }, data: { role }, select: { id: true } });
          return true;
        });
        if (!linked) return refuse(ctx, provider, { reason: "email_in_use", userId: existing.id, ...who }, EMAIL_IN_USE_MESSAGE);
        await appendAuditEvent({
          action: "user.identity.linked",
          resourceType: "user",
          resourceId: existing.id,
          outcome: "succeeded",
          actor: null,
          params: { email: existing.email, provider: provider.id, subject, via: grant ? "admin_grant" : "verified_email", grantId: grant?.id ?? null },
          ip: ctx.ip,
          userAgent: ctx.userAgent,
          requestId: ctx.requestId,
        });
        user = { ...existing, role };
      } else {
        const id = randomUUID();
        await prisma().$transaction([
          prisma().user.create({ data: { id, email, name, role, source: `oidc:${provider.id}`, passwordHash: null, createdAt: now }, select: { id: true } }),
          prisma().userIdentity.create({ data: { id: randomUUID(), userId: id, providerId: provider.id, issuer, subject, email, createdAt: now } }),
        ]);
        user = { id, email, role, disabledAt: null, mfaEnabledAt: null };
        created = true;
      }
    }

    if (previousRole && previousRole !== role) {
      await appendAuditEvent({
        action: "user.role.sso",
        resourceType: "user",
        resourceId: user.id,
        outcome: "succeeded",
        actor: null,
        params: { email: user.email, provider: provider.id, from: previousRole, to: role, groups: matched },
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        requestId: ctx.requestId,
      });
    }

    if (idpProvedMfa(provider, claims)) {
      const session = await prisma().$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now }, select: { id: true } });
        await tx.userIdentity.update({ where: { issuer_subject: { issuer, subject } }, data: { lastSignInAt: now }, select: { id: true } });
        return createUserSession(tx, { userId: user.id, ip: ctx.ip, userAgent: ctx.userAgent, mfaAt: now, now });
      });
      await recordSignInAttempt({ email: user.email, ip: ctx.ip, success: true });
      await appendAuditEvent({
        action: "auth.signin",
        resourceType: "user",
        resourceId: user.id,
        outcome: "succeeded",
        actor: { id: user.id, email: user.email, role: user.role },
        params: { email: user.email, method: "oidc", provider: provider.id, mfa: "idp", amr: claims.amr, groups: matched, role, created, sessionId: session.id },
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        requestId: ctx.requestId,
      });
      return { kind: "session", userId: user.id, sessionId: session.id, role };
    }

    // The IdP's word is not enough for MFA: the console's own TOTP step follows (audited when it completes).
    await prisma().userIdentity.update({ where: { issuer_subject: { issuer, subject } }, data: { lastSignInAt: now }, select: { id: true } });
    const challenge = await createMfaChallenge({ userId: user.id, enrol: !user.mfaEnabledAt, now });
    return { kind: "challenge", userId: user.id, challengeId: challenge.id, next: user.mfaEnabledAt ? "mfa" : "enroll", role };
  },
});
