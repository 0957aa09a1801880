/** What a check gets: its stack's privacy config, the whole stack config, the environment, and clients. */
import type Docker from "dockerode";
import type { PrivacyStackConfig, StackConfig } from "../../stack/config";
import { PosthogClient } from "../posthog-client";

export type Env = Readonly<Record<string, string | undefined>>;

export type CheckContext = {
  stackKey: string;
  stack: PrivacyStackConfig;
  config: StackConfig;
  env: Env;
  /** A Docker client for an engine id (the service's engine, else the first). */
  docker: (engineId: string | undefined) => Docker;
  /** Test seam: how the PostHog client is made. */
  posthogClient?: (options: ConstructorParameters<typeof PosthogClient>[0]) => PosthogClient;
};

/** The stack's PostHog client, with the key read from its environment variable (named when missing). */
export function posthogFor(ctx: CheckContext): PosthogClient {
  const p = ctx.stack.posthog;
  if (!p) throw new Error("no posthog block is configured for this stack");
  const apiKey = ctx.env[p.apiKeyEnv];
  if (!apiKey) throw new Error(`environment variable ${p.apiKeyEnv} (privacy.stacks.${ctx.stackKey}.posthog.apiKeyEnv) is not set`);
  const options = { baseUrl: p.url, apiKey, apiKeyEnv: p.apiKeyEnv, timeoutMs: p.timeoutMs };
  return ctx.posthogClient ? ctx.posthogClient(options) : new PosthogClient(options);
}
