/**
 * Container identifiers accepted from users (route params, action input): a full or short hex id
 * as Docker prints it. Never a name or a shell string: names could be confused with another
 * container's, and nothing here builds a command line anyway (invariant 4).
 */
import { AppError } from "../errors/app-error";

export const CONTAINER_ID_PATTERN = /^[a-f0-9]{12,64}$/;

export function isContainerId(value: unknown): value is string {
  return typeof value === "string" && CONTAINER_ID_PATTERN.test(value);
}

/** Returns the id, or throws INVALID_INPUT for anything that is not a 12–64 digit lowercase hex id. */
export function parseContainerId(value: unknown): string {
  if (!isContainerId(value)) {
    throw new AppError("INVALID_INPUT", "That is not a valid container id.", {
      logDetail: `rejected container id ${JSON.stringify(String(value).slice(0, 80))}`,
    });
  }
  return value;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}
