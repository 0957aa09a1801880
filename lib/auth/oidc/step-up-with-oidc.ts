/**
 * MFA step-up for SSO users (restores, rollbacks): the signed-in user re-authenticates at an IdP linked to
 * their account and trusted for MFA, with `prompt=login` and `max_age=0`. The callback runs
 * `auth.mfa.step_up.oidc`, which checks the IdP's response exactly as a sign-in does (code + PKCE, state,
 * nonce, signed ID token — openid-client), then that the flow was started by THIS session, that the
 * (issuer, subject) is one of this user's identities, that the IdP authenticated them within the last 5
 * minutes (`auth_time`), and that it proved a second factor (amr/acr). Only then does this session's
 * `mfaAt` move to now — what the TOTP step-up (`auth.mfa.step_up`) does. Each outcome is audited as
 * `auth.mfa.step_up` with method "oidc" (refusals as denied, a broken response as failed).
 */
import { z } from "zod";
import type { ActionContext, Actor } from "../../actions/action-context";
import { defineAction } from "../../actions/define-action";
import { appendAuditEvent } from "../../audit/append-audit-event";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { log } from "../../log/logger";
import { markSessionMfaProven, MFA_STEP_UP_WINDOW_MS } from "../../restores/mfa-step-up";
import { trustedLinkedProviders } from "../step-up-methods";
import { beginStepUpAuthorization, completeAuthorization, type OidcStepUpFlowState } from "./client";
import { idpProvedMfa, oidcProvider, type OidcProviderConfig } from "./config";
import { STEP_UP_RESULTS, type StepUpResult } from "./step-up-messages";

/** Allowed drift between the IdP's clock and ours when reading `auth_time`. */
const AUTH_TIME_SKEW_MS = 60_000;

type StepUpRefusal = Exclude<StepUpResult, "ok" | "unavailable">;

/**
 * Whether the ID token shows an authentication within the step-up window: `auth_time` (seconds) present,
 * not older than 5 minutes and not in the future beyond the allowed skew. Returns the problem, or null.
 */
export function authTimeProblem(claims: Record<string, unknown>, now: Date = new Date()): string | null {
  const authTime = claims.auth_time;
  if (typeof authTime !== "number" || !Number.isFinite(authTime)) return "the ID token has no auth_time";
  const age = now.getTime() - authTime * 1000;
  if (age > MFA_STEP_UP_WINDOW_MS) return `auth_time is ${Math.round(age / 1000)} s old`;
  if (age < -AUTH_TIME_SKEW_MS) return `auth_time is ${Math.round(-age / 1000)} s in the future`;
  return null;
}

/** The code each refusal carries to the done page (AppError.logDetail starts with it). */
const REFUSAL_PREFIX = "step-up refused: ";

async function refuse(ctx: ActionContext, params: { reason: StepUpRefusal; detail: string; provider: string | null; subject?: string | null }): Promise<never> {
  const denied = params.reason !== "failed";
  await appendAuditEvent({
    action: "auth.mfa.step_up",
    resourceType: "user",
    resourceId: ctx.actor?.userId ?? null,
    outcome: denied ? "denied" : "failed",
    actor: ctx.actor ? { id: ctx.actor.userId, email: ctx.actor.email, role: ctx.actor.role } : null,
    params: { method: "oidc", provider: params.provider, subject: params.subject ?? null, reason: params.reason },
    error: params.detail.slice(0, 300),
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  });
  throw new AppError(denied ? "FORBIDDEN" : "UNAUTHENTICATED", STEP_UP_RESULTS[params.reason], { logDetail: `${REFUSAL_PREFIX}${params.reason}: ${params.detail}` });
}

/** The done page's code for a failed step-up action result (its message is one of STEP_UP_RESULTS). */
export function stepUpResultForMessage(message: string): StepUpResult {
  const hit = (Object.entries(STEP_UP_RESULTS) as [StepUpResult, string][]).find(([code, text]) => code !== "ok" && text === message);
  if (hit) return hit[0];
  return message === "Your session has ended. Sign in again to continue." ? "signed-out" : "failed";
}

/**
 * Starts a step-up at `providerId` for the signed-in actor: only an IdP linked to this user and trusted for
 * MFA. Throws AppError FORBIDDEN otherwise. The flow is bound to the actor's session and user.
 */
export async function beginOidcStepUp(
  actor: Pick<Actor, "userId" | "sessionId">,
  providerId: string,
  redirectUri: string,
  returnTo: string,
): Promise<{ url: URL; flow: OidcStepUpFlowState }> {
  const provider = (await trustedLinkedProviders(actor.userId)).find((p) => p.id === providerId);
  if (!provider) throw new AppError("FORBIDDEN", STEP_UP_RESULTS["not-linked"], { logDetail: `step-up at ${providerId}: not linked to the user or not trusted for MFA` });
  return beginStepUpAuthorization(provider, redirectUri, { sessionId: actor.sessionId, userId: actor.userId, returnTo });
}

const stepUpFlowSchema = z.object({
  purpose: z.literal("step-up"),
  providerId: z.string().max(40),
  state: z.string().max(200),
  nonce: z.string().max(200),
  codeVerifier: z.string().max(200),
  sessionId: z.string().max(100),
  userId: z.string().max(100),
  returnTo: z.string().max(2000),
});

export const stepUpWithOidcAction = defineAction({
  action: "auth.mfa.step_up.oidc",
  permission: "self.manage",
  input: z.object({ providerId: z.string().max(40), callbackUrl: z.url().max(8000), flow: z.unknown() }),
  resourceType: "user",
  // Never the code or the flow secrets.
  params: (input) => ({ provider: input.providerId, method: "oidc" }),
  run: async (input, { ctx }): Promise<{ mfaAt: string; provider: string }> => {
    const actor = ctx.actor;
    if (!actor) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
    const now = new Date();
    let provider: OidcProviderConfig | null = null;
    try {
      provider = oidcProvider(input.providerId);
    } catch (error) {
      log.error("SSO is misconfigured", { error: error instanceof Error ? error.message : String(error) });
    }
    if (!provider) return refuse(ctx, { reason: "failed", detail: `unknown provider ${input.providerId}`, provider: null });

    // Only a step-up flow this very session started: a sign-in flow (no purpose, `next` instead of the
    // session binding), another session's flow or another provider's is refused before the code is used.
    const parsed = stepUpFlowSchema.safeParse(input.flow);
    if (!parsed.success) return refuse(ctx, { reason: "failed", detail: "no step-up flow for this callback", provider: provider.id });
    const flow = parsed.data;
    if (flow.providerId !== provider.id) return refuse(ctx, { reason: "failed", detail: "the flow was started for another provider", provider: provider.id });
    if (flow.sessionId !== actor.sessionId || flow.userId !== actor.userId)
      return refuse(ctx, { reason: "failed", detail: "the flow was started by another session", provider: provider.id });
    if (!provider.trustIdpMfa) return refuse(ctx, { reason: "not-linked", detail: "provider not trusted for MFA", provider: provider.id });

    let claims: Record<string, unknown>;
    try {
      claims = await completeAuthorization(provider, new URL(input.callbackUrl), flow);
    } catch (error) {
      log.warn("SSO step-up callback rejected", { provider: provider.id, error: error instanceof Error ? error.message : String(error) });
      return refuse(ctx, { reason: "failed", detail: error instanceof Error ? error.message : "invalid response", provider: provider.id });
    }

    const issuer = String(claims.iss);
    const subject = String(claims.sub);
    const identity = await prisma().userIdentity.findUnique({ where: { issuer_subject: { issuer, subject } }, select: { userId: true, providerId: true } });
    if (!identity || identity.userId !== actor.userId || identity.providerId !== provider.id)
      return refuse(ctx, { reason: "other-account", detail: `(${issuer}, ${subject}) is not an identity of this user`, provider: provider.id, subject });

    const stale = authTimeProblem(claims, now);
    if (stale) return refuse(ctx, { reason: "stale", detail: stale, provider: provider.id, subject });
    if (!idpProvedMfa(provider, claims)) return refuse(ctx, { reason: "no-mfa", detail: `amr ${JSON.stringify(claims.amr ?? null)}, acr ${JSON.stringify(claims.acr ?? null)}`, provider: provider.id, subject });

    const mfaAt = await markSessionMfaProven(actor, now);
    await prisma().userIdentity.update({ where: { issuer_subject: { issuer, subject } }, data: { lastSignInAt: now }, select: { id: true } });
    await appendAuditEvent({
      action: "auth.mfa.step_up",
      resourceType: "user",
      resourceId: actor.userId,
      outcome: "succeeded",
      actor: { id: actor.userId, email: actor.email, role: actor.role },
      params: { method: "oidc", provider: provider.id, subject, amr: claims.amr ?? null, acr: claims.acr ?? null, sessionId: actor.sessionId },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      requestId: ctx.requestId,
    });
    return { mfaAt: mfaAt.toISOString(), provider: provider.id };
  },
});
