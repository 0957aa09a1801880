"use server";
/**
 * Audit page server actions: thin bindings of the definitions in lib/audit/audit-actions.ts to the
 * current request. Authorization, validation and auditing happen inside executeAction.
 */
import { revalidatePath } from "next/cache";
import { executeAction, type ActionResult } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { updateRetentionPolicyAction, verifyAuditChainAction, type VerifySummary } from "@/lib/audit/audit-actions";
import type { RetentionPolicy } from "@/lib/audit/retention-policy";

export async function verifyAuditChain(): Promise<ActionResult<VerifySummary>> {
  const result = await executeAction(verifyAuditChainAction, await requestContext(), {});
  revalidatePath("/audit"); // the verify row itself is now the newest entry
  return result;
}

export async function updateRetentionPolicy(_previous: ActionResult<RetentionPolicy> | null, form: FormData): Promise<ActionResult<RetentionPolicy>> {
  const result = await executeAction(updateRetentionPolicyAction, await requestContext(), form);
  revalidatePath("/audit");
  return result;
}
