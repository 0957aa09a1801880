import "server-only";
/**
 * The sign-in challenge id between the password step and the second factor lives in an httpOnly cookie
 * (never in the URL or the page), valid as long as the challenge.
 */
import { cookies } from "next/headers";
import { challengeCookieName, cookieFlags } from "./cookie-names";
import { ENROLMENT_CHALLENGE_TTL_MS } from "./mfa-challenge";

export async function setChallengeCookie(challengeId: string) {
  (await cookies()).set(challengeCookieName(), challengeId, { ...cookieFlags(), maxAge: Math.floor(ENROLMENT_CHALLENGE_TTL_MS / 1000) });
}

export async function readChallengeCookie(): Promise<string | null> {
  return (await cookies()).get(challengeCookieName())?.value ?? null;
}

export async function clearChallengeCookie() {
  (await cookies()).delete({ name: challengeCookieName(), ...cookieFlags() });
}
