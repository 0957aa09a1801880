import "server-only";
import { cookies } from "next/headers";
import { cookieFlags, sessionCookieName } from "./cookie-names";

/** Removes the session token from this browser (the server-side session is revoked by the sign-out action). */
export async function clearSessionCookie() {
  (await cookies()).delete({ name: sessionCookieName(), ...cookieFlags() });
}
