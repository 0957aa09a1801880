/**
 * `npm run opsdeck -- <group> <command> [flags]`: the console's command line.
 *   users create | list | reset-mfa | setup-link   (lib/users/cli-users.ts)
 *   audit verify                                  (lib/audit/cli-verify.ts)
 */
import { runAuditVerifyCli } from "../lib/audit/cli-verify";
import { runUsersCli, USERS_USAGE } from "../lib/users/cli-users";

const USAGE = `Usage: npm run opsdeck -- <command> [flags]

Commands:
  users create --email E --role R [--name N] [--password-stdin]   create an account (prints a setup link without a password)
  users list                                                       list accounts
  users reset-mfa --email E                                        remove a lost authenticator (break-glass)
  users setup-link --email E                                       a new one-time setup / password-reset link
  audit verify [--json]                                            verify the audit log's hash chain

Run a command with --help for its flags.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  users: (argv) => runUsersCli(argv),
  "audit verify": (argv) => runAuditVerifyCli(argv),
};

async function main(argv: string[]): Promise<number> {
  const [group, command] = argv;
  const run = (group && command && COMMANDS[`${group} ${command}`]) || (group && COMMANDS[group]);
  if (!run) {
    const helpOnly = argv.length === 0 || argv.includes("--help") || argv.includes("-h");
    process[helpOnly ? "stdout" : "stderr"].write(`${group === "users" ? USERS_USAGE : USAGE}\n`);
    return helpOnly ? 0 : 2;
  }
  return run(argv);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`opsdeck: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
