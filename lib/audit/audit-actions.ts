/**
 * The audit page's server actions, as definitions (app/(console)/audit/actions.ts only binds them to
 * the request): each is authorized, validated and audited by executeAction/performAction.
 */
import { z } from "zod";
import { defineAction } from "../actions/define-action";
import { AppError } from "../errors/app-error";
import { log } from "../log/logger";
import { retentionPolicyInputSchema, RETENTION_SETTING_KEY, setRetentionPolicy, type RetentionPolicy } from "./retention-policy";
import { describeChainBreak, verifyAuditChain } from "./verify-audit-chain";

export type VerifySummary = { rows: number; firstSeq: string | null; lastSeq: string | null; lastHash: string | null; anchor: "genesis" | "checkpoint"; ms: number };

/**
 * Walks the chain. An intact chain returns its summary (outcome "succeeded"); a broken one fails
 * the action with a message naming the first bad row, so the detection itself is recorded in the
 * audit log as a "failed" audit.verify row.
 */
export const verifyAuditChainAction = defineAction({
  action: "audit.verify",
  permission: "audit.verify",
  input: z.object({}),
  resourceType: "audit",
  params: () => ({}),
  run: async (): Promise<VerifySummary> => {
    const started = performance.now();
    const result = await verifyAuditChain();
    const ms = Math.round(performance.now() - started);
    if (!result.ok) {
      log.error("Audit chain verification found a broken chain", { firstBad: result.firstBad, rowsVerified: result.rows });
      throw new AppError(
        "CONFLICT",
        `The audit chain is broken. ${describeChainBreak(result.firstBad)} ${result.rows} rows before it verified. Export the log (NDJSON) to keep the evidence, and investigate who had direct database access.`,
      );
    }
    return { rows: result.rows, firstSeq: result.firstSeq, lastSeq: result.lastSeq, lastHash: result.lastHash, anchor: result.anchor.kind, ms };
  },
});

export const updateRetentionPolicyAction = defineAction({
  action: "audit.retention.update",
  permission: "settings.manage",
  input: retentionPolicyInputSchema,
  resourceType: "setting",
  resourceId: () => RETENTION_SETTING_KEY,
  params: (input) => ({ days: input.days }),
  run: async (input): Promise<RetentionPolicy> => setRetentionPolicy(input.days),
});
