import type { Role } from "../auth/policy";

/** Who is acting, resolved server-side from the session and re-checked against the database. */
export type Actor = {
  userId: string;
  email: string;
  role: Role;
  sessionId: string;
  /** When MFA was last proven in this session (step-up for destructive actions). */
  mfaAt: Date;
};

export type ActionContext = {
  actor: Actor | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
};
