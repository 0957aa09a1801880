/**
 * What every `npm run opsdeck -- …` command shares: its input/output, the audit context of a change made
 * from the server's shell (actor: none, user agent "opsdeck-cli", `via: "cli"` and the OS account that ran
 * it), and opening the database with an explanation instead of a stack trace.
 */
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { ActionContext } from "../actions/action-context";
import { performAction } from "../actions/perform-action";
import { isAppError } from "../errors/app-error";
import { openCliDatabase, type CliDatabase } from "./cli-database";

export type CliIo = { out: (line: string) => void; err: (line: string) => void; readStdin: () => Promise<string> };

export const processIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString("utf8");
  },
};

const cliContext = (): ActionContext => ({ actor: null, ip: null, userAgent: "opsdeck-cli", requestId: `cli-${randomUUID()}` });

/** Who ran the command (the OS account; "unknown" where the platform has none). */
export function cliOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Runs a change made from the CLI as an audited action (started → succeeded / failed rows). */
export function auditedCliAction<T>(action: string, resourceId: string | null, params: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  return performAction(cliContext(), { action, permission: "public", resource: { type: "user", id: resourceId }, params: { ...params, via: "cli", osUser: cliOsUser() } }, run);
}

/** The command's database, or null after telling the user why it could not be opened. */
export async function openCliDatabaseOrExplain(flags: { "database-url"?: string; "data-dir"?: string }, io: Pick<CliIo, "err">): Promise<CliDatabase | null> {
  try {
    return await openCliDatabase({ databaseUrl: flags["database-url"], dataDir: flags["data-dir"] });
  } catch (error) {
    io.err(`Could not open the database: ${isAppError(error) ? error.userMessage : error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
