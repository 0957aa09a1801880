/**
 * A one-time setup link is used: the first admin is created (first-admin link), or an invited user sets
 * their password (invite), or a user sets a new one (reset: their other sessions end). The token is
 * consumed in the same transaction; the person continues to MFA enrolment (or their TOTP step).
 *
 * Password sign-in turned off (lib/auth/password-sign-in-policy.ts): a setup link must not become a way to
 * sign in with a password. The first-admin link is refused (the first admin signs in with SSO). An invite or
 * reset link still saves the password (for when password sign-in is on again) but opens no challenge, so
 * nobody is signed in — except an account in an open break-glass window, which may sign in with a password
 * anyway (and is sent to its TOTP step, never to enrolment).
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { AppError } from "../../errors/app-error";
import { withUserAdministrationLock } from "../../users/user-admin-lock";
import { createMfaChallenge } from "../mfa-challenge";
import { hashPassword } from "../password-hashing";
import { passwordProblem } from "../password-policy";
import { hashSetupToken } from "../setup-tokens";
import { breakGlassAccountSelect, breakGlassUsable } from "../break-glass/break-glass";
import { auditPasswordSignInRefused, passwordSignInEnabled } from "../password-sign-in-policy";
import { prisma } from "../../db/prisma";

export const SETUP_LINK_GONE_MESSAGE = "This setup link has expired or was already used.";
export const FIRST_ADMIN_NEEDS_SSO_MESSAGE =
  "Password sign-in is turned off on this console, so the first admin signs in with single sign-on: sign in with a group your identity provider maps to admin.";

export const completeSetupAction = defineAction({
  action: "auth.setup.complete",
  permission: "public",
  input: z
    .object({
      token: z.string().min(20).max(100),
      email: z.string().trim().toLowerCase().max(320, "Use at most 320 characters.").pipe(z.email("Enter a valid email address.")),
      name: z
        .string()
        .trim()
        .max(100, "Use at most 100 characters.")
        .optional()
        .transform((v) => (v ? v : undefined)),
      password: z.string().max(1024),
      confirmPassword: z.string().max(1024),
    })
    .superRefine((value, issue) => {
      const problem = passwordProblem(value.password, { email: value.email });
      if (problem) issue.addIssue({ code: "custom", path: ["password"], message: problem });
      else if (value.password !== value.confirmPassword) issue.addIssue({ code: "custom", path: ["confirmPassword"], message: "The two passwords do not match." });
    }),
  resourceType: "user",
  params: (input) => ({ email: input.email, name: input.name }),
  run: async (input, { ctx }): Promise<{ userId: string; challengeId: string | null; next: "mfa" | "enroll" | "sso"; purpose: string }> => {
    const now = new Date();
    const passwordsOn = passwordSignInEnabled();
    const result = await withUserAdministrationLock(async (tx) => {
      const link = await tx.setupToken.findUnique({
        where: { tokenHash: hashSetupToken(input.token) },
        select: { id: true, purpose: true, email: true, expiresAt: true, usedAt: true },
      });
      if (!link || link.usedAt || link.expiresAt <= now) throw new AppError("NOT_FOUND", SETUP_LINK_GONE_MESSAGE);
      const passwordHash = await hashPassword(input.password);

      let user: { id: string; mfaEnabledAt: Date | null };
      if (link.purpose === "first-admin") {
        if (!passwordsOn) throw new AppError("FORBIDDEN", FIRST_ADMIN_NEEDS_SSO_MESSAGE, { logDetail: "first-admin setup link used while OPSDECK_PASSWORD_SIGNIN=off" });
        if ((await tx.user.count({ where: { role: "admin" } })) > 0)
          throw new AppError("CONFLICT", "An admin account exists already, so this first-admin link no longer applies. Sign in, or ask an admin to invite you.");
        if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } }))
          throw new AppError("CONFLICT", "An account with this email exists already.");
        user = await tx.user.create({ data: { email: input.email, name: input.name ?? null, role: "admin", passwordHash }, select: { id: true, mfaEnabledAt: true } });
      } else {
        if (!link.email || input.email !== link.email) throw new AppError("INVALID_INPUT", `This link is for ${link.email ?? "another account"}.`);
        const existing = await tx.user.findUnique({ where: { email: link.email }, select: { id: true, disabledAt: true } });
        if (!existing) throw new AppError("NOT_FOUND", "This account no longer exists. Ask an admin for a new invitation.");
        if (existing.disabledAt) throw new AppError("FORBIDDEN", "This account is disabled. Ask an admin to enable it.");
        user = await tx.user.update({
          where: { id: existing.id },
          data: { passwordHash, ...(input.name ? { name: input.name } : {}), ...(link.purpose === "reset" ? { sessionsRevokedAt: now } : {}) },
          select: { id: true, mfaEnabledAt: true },
        });
      }
      const { count } = await tx.setupToken.updateMany({ where: { id: link.id, usedAt: null }, data: { usedAt: now } });
      if (count !== 1) throw new AppError("NOT_FOUND", SETUP_LINK_GONE_MESSAGE);
      return { user, purpose: link.purpose };
    });

    if (!passwordsOn) {
      const account = await prisma().user.findUniqueOrThrow({ where: { id: result.user.id }, select: breakGlassAccountSelect });
      if (!breakGlassUsable(account, now)) {
        await auditPasswordSignInRefused(ctx, { email: account.email, userId: account.id, step: "setup" });
        return { userId: result.user.id, challengeId: null, next: "sso", purpose: result.purpose };
      }
    }
    const challenge = await createMfaChallenge({ userId: result.user.id, enrol: !result.user.mfaEnabledAt, now });
    return { userId: result.user.id, challengeId: challenge.id, next: result.user.mfaEnabledAt ? "mfa" : "enroll", purpose: result.purpose };
  },
});
