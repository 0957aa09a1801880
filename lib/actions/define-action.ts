/**
 * The one wrapper every server action goes through: session → permission → zod input → audit → run.
 * `defineAction` declares an action; `executeAction` runs it for a given request context and turns
 * errors into a result the UI can show (unknown errors become a generic message; details go to the log).
 */
import { z } from "zod";
import { can, type Permission } from "../auth/policy";
import { AppError, toUserError, type AppErrorCode } from "../errors/app-error";
import { log } from "../log/logger";
import type { ActionContext } from "./action-context";
import { performAction, type RunContext } from "./perform-action";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: AppErrorCode; message: string; fieldErrors?: Record<string, string[]> } };

export type ActionDefinition<S extends z.ZodType, T> = {
  readonly kind: "opsdeck-action";
  action: string;
  permission: Permission | "public";
  input: S;
  resourceType: string;
  resourceId?: (input: z.infer<S>) => string | null | undefined;
  /** What goes into the audit row (redacted again on write). Defaults to the parsed input. */
  params?: (input: z.infer<S>) => unknown;
  run: (input: z.infer<S>, run: RunContext) => Promise<T>;
};

export function defineAction<S extends z.ZodType, T>(def: Omit<ActionDefinition<S, T>, "kind">): ActionDefinition<S, T> {
  return { kind: "opsdeck-action", ...def };
}

export function isActionDefinition(value: unknown): value is ActionDefinition<z.ZodType, unknown> {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "opsdeck-action";
}

/** FormData → plain object (repeated keys become arrays), so actions can take forms or objects. */
function fromFormData(input: unknown): unknown {
  if (typeof FormData !== "undefined" && input instanceof FormData) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of input.entries()) {
      if (k.startsWith("$ACTION")) continue;
      const value = typeof v === "string" ? v : v.name;
      out[k] = k in out ? ([] as unknown[]).concat(out[k], value) : value;
    }
    return out;
  }
  return input;
}

export async function executeAction<S extends z.ZodType, T>(def: ActionDefinition<S, T>, ctx: ActionContext, rawInput: unknown): Promise<ActionResult<T>> {
  try {
    // Permission first: a caller who may not run this is denied (and audited) whatever input they sent.
    if (def.permission !== "public" && !(ctx.actor && can(ctx.actor.role, def.permission))) {
      await performAction(ctx, { action: def.action, permission: def.permission, resource: { type: def.resourceType } }, async () => {
        throw new AppError("FORBIDDEN", "Denied."); // unreachable: performAction denies first
      });
    }
    const parsed = def.input.safeParse(fromFormData(rawInput));
    if (!parsed.success) {
      const flat = z.flattenError(parsed.error);
      return {
        ok: false,
        error: { code: "INVALID_INPUT", message: flat.formErrors[0] ?? "Some fields need attention.", fieldErrors: flat.fieldErrors as Record<string, string[]> },
      };
    }
    const input = parsed.data;
    const data = await performAction(
      ctx,
      {
        action: def.action,
        permission: def.permission,
        resource: { type: def.resourceType, id: def.resourceId?.(input) ?? null },
        params: def.params ? def.params(input) : input },
      (run) => def.run(input, run),
    );
    return { ok: true, data };
  } catch (error) {
    if (!(error instanceof AppError)) log.error(`Action ${def.action} failed`, { error, stack: error instanceof Error ? error.stack : undefined });
    else if (error.logDetail) log.warn(`Action ${def.action}: ${error.logDetail}`);
    return { ok: false, error: toUserError(error) };
  }
}
