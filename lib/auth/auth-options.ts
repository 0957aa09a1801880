/**
 * next-auth v4 configuration. Sessions are JWTs (JWE) that carry only the UserSession id (`sid`) and
 * the user id (`sub`); everything else — email, role, whether the session still counts — is read from
 * the database on each request. The one provider is Credentials: its `authorize` runs sign-in step 2
 * (see actions/sign-in-second-factor.ts) for the challenge in the httpOnly challenge cookie.
 */
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { requestContext } from "../actions/request-context";
import { executeAction } from "../actions/define-action";
import { env, trustRequestHostForAuth } from "../config/env";
import { log } from "../log/logger";
import { signInSecondFactorAction } from "./actions/sign-in-second-factor";
import { clearChallengeCookie, readChallengeCookie } from "./challenge-cookie";
import { cookieFlags, secureCookiesEnabled, sessionCookieName } from "./cookie-names";
import { resolveActiveSession, SESSION_MAX_AGE_SECONDS } from "./user-sessions";

type SessionUser = { id: string; sid: string };

export function authOptions(): AuthOptions {
  trustRequestHostForAuth();
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    useSecureCookies: secureCookiesEnabled(),
    cookies: { sessionToken: { name: sessionCookieName(), options: cookieFlags() } },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Opsdeck",
        credentials: { code: { label: "Code", type: "text" } },
        async authorize(credentials) {
          const result = await executeAction(signInSecondFactorAction, await requestContext(), {
            challengeId: await readChallengeCookie(),
            code: credentials?.code ?? undefined,
          });
          // The message is one of the generic ones ("That code is not valid.", "Too many attempts…").
          if (!result.ok) throw new Error(result.error.message);
          await clearChallengeCookie();
          return { id: result.data.userId, sid: result.data.sessionId } satisfies SessionUser;
        },
      }),
    ],
    callbacks: {
      // Only the session id and user id go into the token.
      jwt: ({ token, user }) => (user ? { sub: user.id, sid: (user as SessionUser).sid } : { sub: token.sub, sid: token.sid }),
      session: async ({ session, token }) => {
        const actor = await resolveActiveSession({ sessionId: token.sid, userId: token.sub });
        if (!actor) return { expires: session.expires };
        return {
          expires: session.expires,
          user: { id: actor.userId, email: actor.email, role: actor.role },
          sessionId: actor.sessionId,
          mfaAt: actor.mfaAt.toISOString(),
        };
      },
    },
    logger: {
      error: (code, metadata) => log.error(`next-auth: ${code}`, { detail: metadata instanceof Error ? metadata.message : metadata }),
      warn: (code) => log.warn(`next-auth: ${code}`),
      debug: () => undefined,
    },
  };
}
