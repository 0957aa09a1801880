import "server-only";
/**
 * What the second-step pages (/sign-in/mfa, /sign-in/enroll) may show about the challenge in the
 * cookie: its state, the account's email and, for enrolment, the QR code and manual key of the offered
 * secret. Nothing else leaves the server.
 */
import QRCode from "qrcode";
import { readChallengeCookie } from "./challenge-cookie";
import { loadMfaChallenge } from "./mfa-challenge";
import { decryptMfaSecret } from "./mfa-secret-encryption";
import { formatManualKey, totpUri } from "./totp";

export type ChallengeView =
  | { state: "none" }
  | { state: "mfa"; email: string }
  | { state: "enrol"; email: string; manualKey: string; qrDataUrl: string; otpauthUri: string }
  | { state: "enrolled"; email: string };

export async function challengeViewForPage(): Promise<ChallengeView> {
  const challenge = await loadMfaChallenge(await readChallengeCookie());
  if (!challenge || !challenge.usable || challenge.user.disabledAt) return { state: "none" };
  const { email } = challenge.user;
  if (challenge.mfaVerifiedAt) return { state: "enrolled", email };
  if (challenge.pendingSecret && !challenge.user.mfaEnabledAt) {
    const secret = decryptMfaSecret(challenge.pendingSecret);
    const otpauthUri = totpUri(secret, email);
    const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: "M", margin: 1, width: 208, color: { dark: "#0f172a", light: "#ffffff" } });
    return { state: "enrol", email, manualKey: formatManualKey(secret), qrDataUrl, otpauthUri };
  }
  if (challenge.user.mfaEnabledAt && !challenge.pendingSecret) return { state: "mfa", email };
  return { state: "none" };
}
