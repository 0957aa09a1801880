/**
 * `npm run opsdeck -- users …`: account administration from the server's shell, for scripted installs
 * and break-glass recovery (the last admin lost their authenticator). Every change is audited (actor:
 * none, user agent "opsdeck-cli").
 *
 *   users create --email E --role R [--name N] [--password-stdin] [--base-url URL]
 *   users list
 *   users reset-mfa --email E
 *   users setup-link --email E [--base-url URL]
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { ROLES, type Role } from "../auth/policy";
import { setupUrl } from "../auth/setup-tokens";
import { auditedCliAction as audited, openCliDatabaseOrExplain, processIo, type CliIo } from "../cli/cli-command";
import { CliUsageError } from "../cli/cli-database";
import { bootEnvSchema, rawEnv } from "../config/env";
import { prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { createUser } from "./create-user";
import { findUserForUpdate } from "./find-user";
import { issueSetupLink } from "./issue-setup-link";
import { withUserAdministrationLock } from "./user-admin-lock";

export const USERS_USAGE = `Usage:
  npm run opsdeck -- users create --email you@example.com --role admin [--name "Ada"] [--password-stdin] [--base-url https://ops.example.com]
  npm run opsdeck -- users list
  npm run opsdeck -- users reset-mfa --email you@example.com
  npm run opsdeck -- users setup-link --email you@example.com [--base-url URL]

Roles: ${ROLES.join(", ")}. Without --password-stdin, "create" prints a one-time setup link (valid 72 hours)
where the user chooses a password and sets up MFA. Every account sets up MFA at its first sign-in.
Database: --database-url, DATABASE_URL, or the embedded database in --data-dir / OPSDECK_DATA_DIR.`;

function baseUrl(flag: string | undefined): string {
  if (flag) return flag;
  const parsed = bootEnvSchema.pick({ NEXTAUTH_URL: true, PORT: true }).safeParse(rawEnv());
  if (parsed.success && parsed.data.NEXTAUTH_URL) return parsed.data.NEXTAUTH_URL;
  return `http://localhost:${parsed.success ? parsed.data.PORT : 3000}`;
}

async function userIdByEmail(email: string): Promise<string> {
  const user = await prisma().user.findUnique({ where: { email }, select: { id: true } });
  if (!user) throw new CliUsageError(`No account for ${email}.`);
  return user.id;
}

export async function runUsersCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const command = argv[1];
  let flags;
  try {
    ({ values: flags } = parseArgs({
      args: argv.slice(2),
      options: {
        email: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        "password-stdin": { type: "boolean" },
        "base-url": { type: "string" },
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USERS_USAGE}`);
    return 2;
  }
  if (flags.help || !command || !["create", "list", "reset-mfa", "setup-link"].includes(command)) {
    (flags.help ? io.out : io.err)(USERS_USAGE);
    return flags.help ? 0 : 2;
  }

  const email = flags.email ? z.email().safeParse(flags.email.trim().toLowerCase()) : null;
  if (command !== "list" && !email?.success) {
    io.err(`--email with a valid email address is required.\n\n${USERS_USAGE}`);
    return 2;
  }
  let role: Role | undefined;
  if (command === "create") {
    if (!flags.role || !(ROLES as readonly string[]).includes(flags.role)) {
      io.err(`--role must be one of: ${ROLES.join(", ")}.`);
      return 2;
    }
    role = flags.role as Role;
  }
  const password = flags["password-stdin"] ? (await io.readStdin()).replace(/\r?\n$/, "") : null;

  const db = await openCliDatabaseOrExplain(flags, io);
  if (!db) return 2;
  try {
    const address = email?.success ? email.data : "";
    if (command === "list") {
      const users = await prisma().user.findMany({ orderBy: { createdAt: "asc" }, select: { email: true, role: true, disabledAt: true, passwordHash: true, mfaEnabledAt: true, lastSignInAt: true, _count: { select: { identities: true } } } });
      if (users.length === 0) io.out("No users yet.");
      for (const u of users)
        io.out(
          `${u.email.padEnd(36)} ${u.role.padEnd(9)} ${(u.disabledAt ? "disabled" : u.passwordHash || u._count.identities > 0 ? "active" : "invited").padEnd(9)} ${(u.mfaEnabledAt ? "mfa" : "no-mfa").padEnd(7)} ${(u._count.identities > 0 ? "sso" : "local").padEnd(5)} last sign-in ${u.lastSignInAt?.toISOString() ?? "never"}`,
        );
      return 0;
    }
    if (command === "create") {
      const created = await audited("user.create", null, { email: address, role, name: flags.name }, () => createUser({ email: address, name: flags.name, role: role!, password }));
      io.out(`Created ${created.email} (${created.role}).`);
      if (created.setupToken)
        io.out(`Open ${setupUrl(baseUrl(flags["base-url"]), created.setupToken.token)} to choose a password and set up MFA (valid until ${created.setupToken.expiresAt.toISOString()}, works once).`);
      else io.out("They sign in with that password and set up an authenticator app at their first sign-in.");
      return 0;
    }
    const userId = await userIdByEmail(address);
    if (command === "reset-mfa") {
      await audited("user.mfa.reset", userId, { email: address }, () =>
        prisma().$transaction(async (tx) => {
          const now = new Date();
          await tx.user.update({ where: { id: userId }, data: { mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, sessionsRevokedAt: now }, select: { id: true } });
          await tx.recoveryCode.deleteMany({ where: { userId } });
          await tx.userSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
        }),
      );
      io.out(`MFA reset for ${address}: their sessions ended; they set up a new authenticator at their next sign-in.`);
      return 0;
    }
    const link = await audited("user.setup-link.issue", userId, { email: address }, () =>
      withUserAdministrationLock(async (tx) => issueSetupLink(tx, await findUserForUpdate(tx, userId))),
    );
    io.out(`Open ${setupUrl(baseUrl(flags["base-url"]), link.token)} to ${link.purpose === "reset" ? "choose a new password" : "choose a password and set up MFA"} (valid until ${link.expiresAt.toISOString()}, works once).`);
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) io.err(error.message);
    else if (error instanceof AppError) io.err(error.userMessage);
    else io.err(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.close();
  }
}
