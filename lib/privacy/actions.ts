/** Privacy → Run now (operator, admin; audited): runs the configured checks of one stack or all, and returns the counts. */
import { z } from "zod";
import { defineAction } from "../actions/define-action";
import { AppError } from "../errors/app-error";
import { loadStackConfig } from "../stack/config";
import { runPrivacyChecks } from "./runner";

export const privacyRunAction = defineAction({
  action: "privacy.run",
  permission: "privacy.run",
  input: z.object({
    stack: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Choose a stack.").optional()),
  }),
  resourceType: "privacy",
  resourceId: (input) => input.stack ?? "all",
  run: async (input, { ctx, correlationId }) => {
    const config = await loadStackConfig();
    const stacks = Object.keys(config.privacy?.stacks ?? {});
    if (stacks.length === 0) throw new AppError("CONFIG_INVALID", "No privacy checks are configured: add a privacy block to the stack config (opsdeck.yaml).");
    if (input.stack && !stacks.includes(input.stack)) throw new AppError("NOT_FOUND", `There is no privacy stack "${input.stack}" in the stack config.`);
    const summary = await runPrivacyChecks({
      trigger: "user",
      requestedByEmail: ctx.actor?.email ?? null,
      auditCorrelationId: correlationId,
      stacks: input.stack ? [input.stack] : undefined,
      config,
    });
    return { runId: summary.runId, counts: summary.counts, flipped: summary.flipped, checks: summary.results.length };
  },
});
