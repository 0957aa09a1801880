/**
 * Typed application error: a stable code, a message safe to show the user, and a detail for the log.
 * Anything that is not an AppError becomes a generic message for the user (see toUserError).
 */
export type AppErrorCode =
  | "CONFIG_INVALID"
  | "DATABASE_UNREACHABLE"
  | "DATABASE_URL_INVALID"
  | "MIGRATION_FAILED"
  | "EMBEDDED_DB_FAILED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "INVALID_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "AUDIT_UNAVAILABLE"
  /** A destructive action needs MFA proven within the last minutes (TOTP step-up); the UI asks for a code. */
  | "MFA_REQUIRED"
  | "INTERNAL";

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly logDetail: string | undefined;
  constructor(code: AppErrorCode, userMessage: string, options: { logDetail?: string; cause?: unknown } = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.logDetail = options.logDetail;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export const GENERIC_USER_MESSAGE = "Something went wrong on the server. The details were written to the server log.";

export function toUserError(error: unknown): { code: AppErrorCode; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.userMessage };
  return { code: "INTERNAL", message: GENERIC_USER_MESSAGE };
}
