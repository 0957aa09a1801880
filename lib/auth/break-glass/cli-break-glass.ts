/**
 * `npm run opsdeck -- break-glass …`: the only way to open a break-glass window (break-glass.ts). From the
 * server's shell on purpose: whoever can run it already controls the console's data. Opening and closing are
 * audited (actor: none, user agent "opsdeck-cli", with the OS user who ran it).
 *
 *   break-glass enable --email E [--minutes N]   (default 60, at most 1440)
 *   break-glass disable --email E
 *   break-glass status
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { auditedCliAction as audited, openCliDatabaseOrExplain, processIo, type CliIo } from "../../cli/cli-command";
import { CliUsageError } from "../../cli/cli-database";
import { prisma } from "../../db/prisma";
import { AppError, isAppError } from "../../errors/app-error";
import { BREAK_GLASS_DEFAULT_MINUTES, BREAK_GLASS_MAX_MINUTES, disableBreakGlass, enableBreakGlass, openBreakGlassWindows, parseBreakGlassMinutes } from "./break-glass";

export const BREAK_GLASS_USAGE = `Usage:
  npm run opsdeck -- break-glass enable --email admin@example.com [--minutes ${BREAK_GLASS_DEFAULT_MINUTES}]
  npm run opsdeck -- break-glass disable --email admin@example.com
  npm run opsdeck -- break-glass status

With password sign-in turned off (OPSDECK_PASSWORD_SIGNIN=off), "enable" lets one local admin sign in with
their password and authenticator code for --minutes (default ${BREAK_GLASS_DEFAULT_MINUTES}, at most ${BREAK_GLASS_MAX_MINUTES}), at
/sign-in?break-glass=1. Only an enabled admin with a password and an authenticator (console TOTP) qualifies.
Every use is audited and every admin sees a banner while a window is open. "disable" closes the window
and ends the sessions it opened. Database: --database-url, DATABASE_URL, or --data-dir / OPSDECK_DATA_DIR.`;

export async function runBreakGlassCli(argv: string[], io: Pick<CliIo, "out" | "err"> = processIo, clock: () => Date = () => new Date()): Promise<number> {
  const command = argv[1];
  let flags;
  try {
    ({ values: flags } = parseArgs({
      args: argv.slice(2),
      options: {
        email: { type: "string" },
        minutes: { type: "string" },
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${BREAK_GLASS_USAGE}`);
    return 2;
  }
  if (flags.help || !command || !["enable", "disable", "status"].includes(command)) {
    (flags.help ? io.out : io.err)(BREAK_GLASS_USAGE);
    return flags.help ? 0 : 2;
  }
  const email = flags.email ? z.email().safeParse(flags.email.trim().toLowerCase()) : null;
  if (command !== "status" && !email?.success) {
    io.err(`--email with a valid email address is required.\n\n${BREAK_GLASS_USAGE}`);
    return 2;
  }
  if (command !== "enable" && flags.minutes !== undefined) {
    io.err(`--minutes only goes with "enable".\n\n${BREAK_GLASS_USAGE}`);
    return 2;
  }
  let minutes = BREAK_GLASS_DEFAULT_MINUTES;
  try {
    if (command === "enable") minutes = parseBreakGlassMinutes(flags.minutes);
  } catch (error) {
    io.err(isAppError(error) ? error.userMessage : String(error));
    return 2;
  }

  const db = await openCliDatabaseOrExplain(flags, io);
  if (!db) return 2;
  try {
    const now = clock();
    if (command === "status") {
      const windows = await openBreakGlassWindows(now);
      if (windows.length === 0) io.out("No break-glass window is open.");
      for (const w of windows)
        io.out(`${w.email.padEnd(36)} open until ${w.until.toISOString()} (${Math.ceil((w.until.getTime() - now.getTime()) / 60_000)} min left)`);
      return 0;
    }
    const address = email!.success ? email!.data : "";
    const target = await prisma().user.findUnique({ where: { email: address }, select: { id: true } });
    if (command === "enable") {
      const until = new Date(now.getTime() + minutes * 60_000);
      const opened = await audited("auth.break_glass.enable", target?.id ?? null, { email: address, minutes, until: until.toISOString() }, () => enableBreakGlass({ email: address, until }));
      io.out(`BREAK-GLASS window open for ${opened.email} until ${opened.until.toISOString()} (${minutes} min).`);
      io.out("They may sign in with their password and authenticator code at /sign-in?break-glass=1. Every use is audited; all admins see a banner.");
      io.out(`Close it early: npm run opsdeck -- break-glass disable --email ${opened.email}`);
      return 0;
    }
    const closed = await audited("auth.break_glass.disable", target?.id ?? null, { email: address }, () => disableBreakGlass({ email: address, now }));
    io.out(closed.wasOpen ? `Break-glass window closed for ${closed.email}; their sessions ended.` : `No break-glass window was open for ${closed.email}.`);
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
