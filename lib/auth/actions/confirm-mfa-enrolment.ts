/**
 * MFA enrolment: the code from the newly added authenticator confirms the secret offered on the
 * enrolment page. The secret moves to the account, 10 recovery codes are issued (returned once, stored
 * hashed), and the challenge is marked so the Credentials provider may issue one session for it.
 */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { prisma } from "../../db/prisma";
import { AppError } from "../../errors/app-error";
import { ENROLMENT_CHALLENGE_TTL_MS, loadMfaChallenge, recordWrongCode } from "../mfa-challenge";
import { decryptMfaSecret } from "../mfa-secret-encryption";
import { replaceRecoveryCodes } from "../recovery-codes";
import { auditSignInFailure } from "../sign-in-audit";
import { verifyTotp } from "../totp";
import { BAD_CODE_MESSAGE, CHALLENGE_EXPIRED_MESSAGE } from "./sign-in-second-factor";

export const confirmMfaEnrolmentAction = defineAction({
  action: "auth.mfa.enroll",
  permission: "public",
  input: z.object({
    challengeId: z.string().max(100).nullable(),
    code: z.string().trim().min(1, "Enter the 6-digit code from your authenticator app.").max(20),
  }),
  resourceType: "user",
  params: () => ({}),
  run: async (input, { ctx }): Promise<{ recoveryCodes: string[] }> => {
    const now = new Date();
    const challenge = await loadMfaChallenge(input.challengeId, now);
    if (!challenge || !challenge.usable || !challenge.pendingSecret) throw new AppError("UNAUTHENTICATED", CHALLENGE_EXPIRED_MESSAGE);
    const { user } = challenge;
    if (user.mfaEnabledAt) throw new AppError("CONFLICT", "This account already has an authenticator. Sign in with a code from it.");
    if (user.disabledAt) {
      await auditSignInFailure(ctx, { email: user.email, userId: user.id, reason: "disabled", step: "enrolment" });
      throw new AppError("UNAUTHENTICATED", CHALLENGE_EXPIRED_MESSAGE);
    }

    const secret = decryptMfaSecret(challenge.pendingSecret);
    const check = await verifyTotp({ secret, code: input.code, now });
    if (!check.valid) {
      await recordWrongCode(challenge.id, now);
      await auditSignInFailure(ctx, { email: user.email, userId: user.id, reason: "bad_code", step: "enrolment" });
      throw new AppError("UNAUTHENTICATED", `${BAD_CODE_MESSAGE} Check that your phone's clock is set automatically and try the current code.`);
    }

    return prisma().$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: user.id, mfaEnabledAt: null },
        data: { mfaSecret: challenge.pendingSecret, mfaEnabledAt: now, mfaLastStep: BigInt(check.step) },
      });
      if (count !== 1) throw new AppError("CONFLICT", "This account already has an authenticator. Sign in with a code from it.");
      const recoveryCodes = await replaceRecoveryCodes(tx, user.id);
      await tx.mfaChallenge.update({
        where: { id: challenge.id },
        // The recovery codes are on screen now: leave time to store them before continuing.
        data: { mfaVerifiedAt: now, pendingSecret: null, expiresAt: new Date(now.getTime() + ENROLMENT_CHALLENGE_TTL_MS) },
        select: { id: true },
      });
      return { recoveryCodes };
    });
  },
});
