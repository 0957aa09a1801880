import "server-only";
/** The Account page's data: who I am, my second factor, my sessions. Only the signed-in user's own. */
import type { Actor } from "../actions/action-context";
import { prisma } from "../db/prisma";
import { remainingRecoveryCodes } from "./recovery-codes";
import { listActiveSessions, type OwnSessionView } from "./user-sessions";

export type OwnAccountView = {
  email: string;
  name: string | null;
  role: Actor["role"];
  mfaEnabledAt: Date | null;
  recoveryCodesLeft: number;
  sessions: OwnSessionView[];
};

export async function ownAccount(actor: Actor): Promise<OwnAccountView> {
  const user = await prisma().user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true, name: true, role: true, mfaEnabledAt: true } });
  const [recoveryCodesLeft, sessions] = await Promise.all([remainingRecoveryCodes(actor.userId), listActiveSessions(actor)]);
  return { ...user, recoveryCodesLeft, sessions };
}
