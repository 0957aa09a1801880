/**
 * `npm run opsdeck -- <group> <command> [flags]`: the console's command line.
 *   users create | list | reset-mfa | setup-link   (lib/users/cli-users.ts)
 *   audit verify                                  (lib/audit/cli-verify.ts)
 *   break-glass enable | disable | status         (lib/auth/break-glass/cli-break-glass.ts)
 *   sso check                                     (lib/auth/oidc/cli-sso.ts)
 */
import { runAuditVerifyCli } from "../lib/audit/cli-verify";
import { BREAK_GLASS_USAGE, runBreakGlassCli } from "../lib/auth/break-glass/cli-break-glass";
import { runSsoCli, SSO_USAGE } from "../lib/auth/oidc/cli-sso";
import { runUsersCli, USERS_USAGE } from "../lib/users/cli-users";

const USAGE = `Usage: npm run opsdeck -- <command> [flags]

Commands:
  users create --email E --role R [--name N] [--password-stdin]   create an account (prints a setup link without a password)
  users list                                                       list accounts
  users reset-mfa --email E                                        remove a lost authenticator (break-glass)
  users setup-link --email E                                       a new one-time setup / password-reset link
  audit verify [--json]                                            verify the audit log's hash chain
  break-glass enable --email E [--minutes N]                       let one local admin sign in with a password while
                                                                   password sign-in is off (default 60 min, max 1440)
  break-glass disable --email E                                    close that window and end its sessions
  break-glass status                                               list open break-glass windows
  sso check [--url URL] [--json]                                   check the SSO providers now; print the redirect URIs

Run a command with --help for its flags.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  users: (argv) => runUsersCli(argv),
  "audit verify": (argv) => runAuditVerifyCli(argv),
  "break-glass": (argv) => runBreakGlassCli(argv),
  sso: (argv) => runSsoCli(argv),
};

async function main(argv: string[]): Promise<number> {
  const [group, command] = argv;
  const run = (group && command && COMMANDS[`${group} ${command}`]) || (group && COMMANDS[group]);
  if (!run) {
    const helpOnly = argv.length === 0 || argv.includes("--help") || argv.includes("-h");
    process[helpOnly ? "stdout" : "stderr"].write(`${group === "users" ? USERS_USAGE : group === "break-glass" ? BREAK_GLASS_USAGE : group === "sso" ? SSO_USAGE : USAGE}\n`);
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
