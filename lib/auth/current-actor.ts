import "server-only";
/**
 * The signed-in actor of this request. Reads the next-auth session token (the JWT next-auth issued,
 * decoded with next-auth's own `decode` and the same secret), then re-checks the session in the
 * database (resolveActiveSession): revoked, expired, "revoke all sessions", disabled and MFA state all
 * apply at once, and role and email come from the database, never from the token. Once per request.
 */
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { cache } from "react";
import type { Actor } from "../actions/action-context";
import { env } from "../config/env";
import { sessionCookieName } from "./cookie-names";
import { resolveActiveSession } from "./user-sessions";

async function readSessionClaims(): Promise<{ sid: unknown; sub: unknown } | null> {
  const token = (await cookies()).get(sessionCookieName())?.value;
  if (!token) return null;
  try {
    const claims = await decode({ token, secret: env().NEXTAUTH_SECRET });
    return claims ? { sid: claims.sid, sub: claims.sub } : null;
  } catch {
    return null; // tampered, expired or from another secret
  }
}

export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  const claims = await readSessionClaims();
  if (!claims) return null;
  return resolveActiveSession({ sessionId: claims.sid, userId: claims.sub });
});
