/** JSON responses of the console's API: never cached, errors as `{ error: { code, message } }`. */
import { toUserError, type AppErrorCode } from "../errors/app-error";

const STATUS: Partial<Record<AppErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  AUDIT_UNAVAILABLE: 503,
  CONFIG_INVALID: 503,
};

export const NO_STORE = { "cache-control": "no-store" } as const;

export function jsonOk(body: unknown): Response {
  return Response.json(body, { status: 200, headers: NO_STORE });
}

export function jsonError(error: unknown): Response {
  const { code, message } = toUserError(error);
  return Response.json({ error: { code, message } }, { status: STATUS[code] ?? 500, headers: NO_STORE });
}
