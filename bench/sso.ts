/**
 * SSO sign-in: what the console adds to the OpenID Connect code flow. Against a real OpenID Provider
 * (panva's oidc-provider, in-process on loopback, the one the tests use) and a dedicated embedded Postgres,
 * rounds interleaved:
 * - opsdeck: the callback step as the route runs it (`auth.signin.oidc`): code exchange with PKCE, ID-token
 *   signature/issuer/nonce checks, group → role, user + identity upsert, session row, audit rows;
 * - peer: the bare protocol, openid-client's `authorizationCodeGrant` + claims with the same configuration
 *   (what any relying party must do), for a login of the same account.
 * The IdP login between them (browser hops) is not timed. `npm run bench -- sso`; SSO_BENCH_ROUNDS overrides 40.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as oidc from "openid-client";
import { loginAtIdp, startTestIdp } from "../e2e/fixtures/oidc-idp";
import type { ActionContext } from "../lib/actions/action-context";
import { executeAction } from "../lib/actions/define-action";
import { beginAuthorization, oidcConfiguration, resetOidcConfigurations } from "../lib/auth/oidc/client";
import { oidcProvider } from "../lib/auth/oidc/config";
import { signInWithOidcAction } from "../lib/auth/oidc/sign-in-with-oidc";
import { publishRuntimeEnv, rawEnv } from "../lib/config/env";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { closePool } from "../lib/db/pool";
import { disconnectPrisma } from "../lib/db/prisma";
import { setLogLevel } from "../lib/log/logger";
import { median } from "./bench-util";

const REDIRECT = "http://127.0.0.1:3999/api/auth/oidc/bench/callback";
const ctx: ActionContext = { actor: null, ip: "198.51.100.9", userAgent: "opsdeck-bench", requestId: "bench" };

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
const ms = (xs: number[]) => `${median(xs).toFixed(1)} / ${p95(xs).toFixed(1)} ms`;

export async function benchSso(): Promise<string[][]> {
  setLogLevel("warn");
  const rounds = Number(rawEnv().SSO_BENCH_ROUNDS ?? 40);
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-sso-"));
  const db = await startEmbeddedPostgres(dir);
  const idp = await startTestIdp({ redirectUris: [REDIRECT], accounts: { ada: { email: "ada@idp.bench", groups: ["ops-admins"] } } });
  try {
    await migrate(db.url);
    publishRuntimeEnv({ DATABASE_URL: db.url, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), OPSDECK_EMBEDDED_DB: "1", OPSDECK_DATA_DIR: dir });
    const env = rawEnv() as Record<string, string | undefined>;
    env.OPSDECK_OIDC_BENCH_SECRET = idp.clientSecret;
    env.OPSDECK_OIDC_PROVIDERS = JSON.stringify([
      { id: "bench", name: "Bench IdP", issuer: idp.issuer, clientId: idp.clientId, clientSecretEnv: "OPSDECK_OIDC_BENCH_SECRET", scopes: ["openid", "email", "profile", "groups"], roleMapping: { "ops-admins": "admin" }, trustIdpMfa: true },
    ]);
    resetOidcConfigurations();
    const provider = oidcProvider("bench")!;
    const config = await oidcConfiguration(provider);

    const login = async () => {
      const { url, flow } = await beginAuthorization(provider, REDIRECT, "/dashboard");
      return { callback: await loginAtIdp(url, { as: "ada", amr: ["pwd", "mfa"], stopAt: REDIRECT }), flow };
    };
    const console_: number[] = [];
    const peer: number[] = [];
    // Warm-up: discovery, JWKS, the first user creation (just-in-time) and Prisma's first queries.
    for (let i = 0; i < 3; i++) {
      const { callback, flow } = await login();
      const r = await executeAction(signInWithOidcAction, ctx, { providerId: "bench", callbackUrl: callback.toString(), flow });
      if (!r.ok) throw new Error(`bench sign-in failed: ${r.error.message}`);
    }
    for (let i = 0; i < rounds; i++) {
      {
        const { callback, flow } = await login();
        const t = performance.now();
        const r = await executeAction(signInWithOidcAction, ctx, { providerId: "bench", callbackUrl: callback.toString(), flow });
        console_.push(performance.now() - t);
        if (!r.ok || r.data.kind !== "session") throw new Error("bench sign-in did not issue a session");
      }
      {
        const { callback, flow } = await login();
        const t = performance.now();
        const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
        if (!tokens.claims()) throw new Error("no ID token");
        peer.push(performance.now() - t);
      }
    }
    const overhead = median(console_) - median(peer);
    return [["sso", `callback → session, ${rounds} rounds (median / p95)`, ms(console_), ms(peer), `+${overhead.toFixed(1)} ms (${(median(console_) / median(peer)).toFixed(2)}×)`]];
  } finally {
    await idp.close();
    await disconnectPrisma().catch(() => undefined);
    await closePool().catch(() => undefined);
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
