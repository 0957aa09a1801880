/**
 * The one place that reads process.env. Everything else asks this module.
 *
 * Two layers:
 * - `parseBootEnv` validates what the operator set, before the console starts
 *   (database choice, data dir, port, secrets). Errors name the variable and what it expects.
 * - `env()` is the runtime view inside the running console, after boot has resolved
 *   the database URL (embedded or external) and the session secret.
 */
import { z } from "zod";

const KNOWN_WEAK_SECRETS = new Set([
  "secret",
  "changeme",
  "change-me",
  "changeit",
  "password",
  "nextauth-secret",
  "your-secret",
  "development-secret",
  "opsdeck",
]);

const postgresUrl = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { message: "expected a URL like postgresql://user:password@host:5432/database" },
  );

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const bootEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
  OPSDECK_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./.opsdeck")),
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: "expected a TCP port number between 1 and 65535" })
      .int({ message: "expected a whole TCP port number between 1 and 65535" })
      .min(1, { message: "expected a TCP port number between 1 and 65535" })
      .max(65535, { message: "expected a TCP port number between 1 and 65535" })
      .default(3000),
  ),
  OPSDECK_HOST: z.preprocess(emptyToUndefined, z.string().default("127.0.0.1")),
  OPSDECK_ROLE: z.preprocess(
    emptyToUndefined,
    z.enum(["web", "worker", "all"], { message: 'expected one of "web", "worker", "all"' }).default("all"),
  ),
  NEXTAUTH_SECRET: z.string().optional(),
  OPSDECK_TRUSTED_PROXY_HOPS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "expected the number of reverse proxies in front of the console (0 when none)" }).int().min(0).max(5).default(0),
  ),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, z.url({ message: "expected the console's public URL, e.g. https://ops.example.com" }).optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["debug", "info", "warn", "error"], { message: 'expected one of "debug", "info", "warn", "error"' }).default("info"),
  ),
});

export type BootEnv = z.infer<typeof bootEnvSchema>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    return `${name}: ${issue.message}`;
  });
}

/** A secret is weak when it is one of the well-known placeholders or too short to resist guessing. */
export function secretProblem(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === "") return `${name}: is set but empty; set it to a random value of at least 32 characters (openssl rand -base64 32)`;
  if (KNOWN_WEAK_SECRETS.has(trimmed.toLowerCase()))
    return `${name}: is a well-known default ("${trimmed}"); set it to a random value of at least 32 characters (openssl rand -base64 32)`;
  if (trimmed.length < 32) return `${name}: is too short (${trimmed.length} characters); use at least 32 random characters (openssl rand -base64 32)`;
  return null;
}

/**
 * Validates the operator's environment before start. Throws ConfigError listing every problem.
 * In production with an external database the session secret must be set explicitly: several
 * replicas share it, so one cannot be generated per machine.
 */
export function parseBootEnv(source: Record<string, string | undefined> = process.env): BootEnv {
  const result = bootEnvSchema.safeParse(source);
  const problems = result.success ? [] : describeIssues(result.error);
  const secret = source.NEXTAUTH_SECRET;
  const weak = secretProblem("NEXTAUTH_SECRET", secret);
  const nodeEnv = result.success ? result.data.NODE_ENV : source.NODE_ENV;
  if (weak && (nodeEnv === "production" || (secret !== undefined && secret.trim() !== ""))) problems.push(weak);
  if (
    nodeEnv === "production" &&
    result.success &&
    result.data.DATABASE_URL !== undefined &&
    (secret === undefined || secret.trim() === "")
  ) {
    problems.push(
      "NEXTAUTH_SECRET: required in production with an external DATABASE_URL (every replica must share it); set it to a random value of at least 32 characters (openssl rand -base64 32)",
    );
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** What the running console sees once boot has resolved the database and secret. */
const runtimeEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: postgresUrl,
  NEXTAUTH_SECRET: z.string().min(32, { message: "expected at least 32 characters" }),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  OPSDECK_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./.opsdeck")),
  OPSDECK_EMBEDDED_DB: z.preprocess(emptyToUndefined, z.enum(["0", "1"]).default("0")),
  OPSDECK_ROLE: z.preprocess(emptyToUndefined, z.enum(["web", "worker", "all"]).default("all")),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["debug", "info", "warn", "error"]).default("info")),
});

export type RuntimeEnv = z.infer<typeof runtimeEnvSchema>;

let cached: RuntimeEnv | undefined;

export function env(): RuntimeEnv {
  if (cached) return cached;
  const result = runtimeEnvSchema.safeParse(process.env);
  if (!result.success) throw new ConfigError(describeIssues(result.error));
  cached = result.data;
  return cached;
}

/**
 * Backups (Phase 4). Secrets (age identities, S3 keys) are read here and never logged; the S3 and SSH
 * settings describe where REMOTE_TARGET copies go (a path, user@host:/path for rsync over SSH, or s3://bucket/prefix).
 */
const backupEnvSchema = z.object({
  BACKUP_DIR: z.preprocess(emptyToUndefined, z.string().default("./backups")),
  /** age identity file (age-keygen output); its first identity encrypts, all of them decrypt. */
  BACKUP_AGE_IDENTITY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
  /** One or more AGE-SECRET-KEY-1… lines (same meaning as the file). */
  BACKUP_AGE_IDENTITY: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Extra public recipients (age1…, comma separated) every backup is also encrypted to, e.g. an offline escrow key. */
  BACKUP_AGE_RECIPIENTS: z.preprocess(emptyToUndefined, z.string().optional()),
  REMOTE_TARGET: z.preprocess(emptyToUndefined, z.string().optional()),
  BACKUP_S3_ENDPOINT: z.preprocess(emptyToUndefined, z.url().optional()),
  BACKUP_S3_REGION: z.preprocess(emptyToUndefined, z.string().default("us-east-1")),
  BACKUP_S3_ACCESS_KEY_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  BACKUP_S3_SECRET_ACCESS_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  BACKUP_S3_FORCE_PATH_STYLE: z.preprocess(emptyToUndefined, z.enum(["0", "1"]).default("1")),
  BACKUP_SSH_KEY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
  BACKUP_SSH_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(22)),
  BACKUP_SSH_KNOWN_HOSTS: z.preprocess(emptyToUndefined, z.string().optional()),
  /** POSTed a JSON summary when a backup fails or is interrupted. */
  BACKUP_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url().optional()),
});

export type BackupEnv = z.infer<typeof backupEnvSchema>;

/** Backup settings from the environment (read on each call: tests and the bench change them). */
export function backupEnv(source: Record<string, string | undefined> = process.env): BackupEnv {
  const result = backupEnvSchema.safeParse(source);
  if (!result.success) throw new ConfigError(describeIssues(result.error));
  return result.data;
}

/**
 * SSO (Phase 7): OPSDECK_OIDC_PROVIDERS is a JSON array of OpenID Providers (validated in
 * lib/auth/oidc/config.ts); each names the env var holding its client secret, read through oidcSecret().
 * Unset or empty: SSO is off.
 */
export function oidcProvidersEnv(source: Record<string, string | undefined> = process.env): string | undefined {
  const value = source.OPSDECK_OIDC_PROVIDERS?.trim();
  return value ? value : undefined;
}

/**
 * The one-provider shorthand (the common install: one IdP), read as plain strings and validated in
 * lib/auth/oidc/config.ts: OPSDECK_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _NAME, _ID, _SCOPES, _GROUPS_CLAIM,
 * _ROLE_MAPPING ("ops-admins=admin,oncall=viewer"), _DEFAULT_ROLE, _TRUST_MFA, _MFA_ACR_VALUES.
 */
export const OIDC_SHORTHAND_VARS = [
  "OPSDECK_OIDC_ISSUER",
  "OPSDECK_OIDC_CLIENT_ID",
  "OPSDECK_OIDC_CLIENT_SECRET",
  "OPSDECK_OIDC_NAME",
  "OPSDECK_OIDC_ID",
  "OPSDECK_OIDC_SCOPES",
  "OPSDECK_OIDC_GROUPS_CLAIM",
  "OPSDECK_OIDC_ROLE_MAPPING",
  "OPSDECK_OIDC_DEFAULT_ROLE",
  "OPSDECK_OIDC_TRUST_MFA",
  "OPSDECK_OIDC_MFA_ACR_VALUES",
] as const;
export type OidcShorthandEnv = Partial<Record<(typeof OIDC_SHORTHAND_VARS)[number], string>>;

export function oidcShorthandEnv(source: Record<string, string | undefined> = process.env): OidcShorthandEnv {
  const out: OidcShorthandEnv = {};
  for (const name of OIDC_SHORTHAND_VARS) {
    const value = source[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

/** A provider's client secret, by the env var name its config gives (never the secret itself in config). */
export function oidcSecret(name: string, source: Record<string, string | undefined> = process.env): string | undefined {
  const value = source[name];
  return value ? value : undefined;
}

/**
 * Users page: an enabled admin who has not signed in for this many days (or, never signed in, was created
 * that long ago) is flagged as unused — the runbook says remove unused admins promptly. Default 30.
 */
const staleAdminDaysSchema = z.preprocess(
  emptyToUndefined,
  z.coerce.number({ message: "expected a whole number of days (1-3650)" }).int({ message: "expected a whole number of days (1-3650)" }).min(1).max(3650).default(30),
);

export function staleAdminDays(source: Record<string, string | undefined> = process.env): number {
  const result = staleAdminDaysSchema.safeParse(source.OPSDECK_STALE_ADMIN_DAYS);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `OPSDECK_STALE_ADMIN_DAYS: ${i.message}`));
  return result.data;
}

/**
 * OPSDECK_PASSWORD_SIGNIN: "on" (default) or "off". Off: only SSO signs in, plus a break-glass account
 * inside a window opened from the CLI (lib/auth/password-sign-in-policy.ts; refused at boot without SSO).
 */
const passwordSignInSchema = z.preprocess(
  (value) => (typeof value === "string" ? (value.trim() === "" ? undefined : value.trim().toLowerCase()) : value),
  z.enum(["on", "off"], { message: 'expected "on" (the default) or "off" (only single sign-on; needs OPSDECK_OIDC_PROVIDERS)' }).default("on"),
);

export type PasswordSignInSetting = z.infer<typeof passwordSignInSchema>;

export function passwordSignInEnv(source: Record<string, string | undefined> = process.env): PasswordSignInSetting {
  const result = passwordSignInSchema.safeParse(source.OPSDECK_PASSWORD_SIGNIN);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `OPSDECK_PASSWORD_SIGNIN: ${i.message}`));
  return result.data;
}

/** Read-only snapshot of the raw process environment, for boot code that must pass it on to children. */
export function rawEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Boot code publishes what it resolved so the Next.js side (same process) can read it through env(). */
export function publishRuntimeEnv(values: { DATABASE_URL: string; NEXTAUTH_SECRET: string; OPSDECK_EMBEDDED_DB: "0" | "1"; OPSDECK_DATA_DIR: string }) {
  process.env.DATABASE_URL = values.DATABASE_URL;
  process.env.NEXTAUTH_SECRET = values.NEXTAUTH_SECRET;
  process.env.OPSDECK_EMBEDDED_DB = values.OPSDECK_EMBEDDED_DB;
  process.env.OPSDECK_DATA_DIR = values.OPSDECK_DATA_DIR;
  cached = undefined;
}

/**
 * next-auth v4 takes its own URL from NEXTAUTH_URL, or — only when AUTH_TRUST_HOST is set — from the
 * request's Host / X-Forwarded-* headers. With NEXTAUTH_URL unset (single-node installs), let it use the
 * request's host, as Auth.js v5's `trustHost` does; NEXTAUTH_URL, when set, always wins.
 */
export function trustRequestHostForAuth() {
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "1";
}

/** The console's public URL (NEXTAUTH_URL) for commands run outside the server; undefined when unset or not a URL. */
export function publicUrlEnv(source: Record<string, string | undefined> = process.env): string | undefined {
  const result = z.url().safeParse(source.NEXTAUTH_URL?.trim());
  return result.success ? result.data : undefined;
}
