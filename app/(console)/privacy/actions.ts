"use server";

/** Thin wrapper: the action itself (permission privacy.run, zod input, audit) is lib/privacy/actions.ts. */
import { revalidatePath } from "next/cache";
import { executeAction } from "@/lib/actions/define-action";
import { requestContext } from "@/lib/actions/request-context";
import { privacyRunAction } from "@/lib/privacy/actions";

export async function runPrivacyChecksNow(input: { stack?: string }) {
  const result = await executeAction(privacyRunAction, await requestContext(), input);
  if (result.ok) revalidatePath("/privacy");
  return result;
}
