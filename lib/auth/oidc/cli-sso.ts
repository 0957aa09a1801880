/**
 * `npm run opsdeck -- sso check [--url URL] [--json]`: the SSO setup check (check-sso-setup.ts) from the
 * server's shell — for a deploy script or for the admin setting up a provider. Exit 0 when every
 * provider is usable (warnings allowed), 1 when one would fail sign-ins, 2 on bad flags. Reads nothing
 * secret into its output. The database (for linked users) is optional: without it the check still runs.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { openCliDatabase } from "../../cli/cli-database";
import { processIo, type CliIo } from "../../cli/cli-command";
import { publicUrlEnv } from "../../config/env";
import { checkSsoSetup, hasErrors, type ProviderCheck } from "./check-sso-setup";

export const SSO_USAGE = `Usage:
  npm run opsdeck -- sso check [--url https://ops.example.com] [--json]

Checks every configured OpenID Connect provider now: discovery, signing keys, and that it offers what the
console uses (PKCE S256, the code flow, client_secret_post, the scopes, the groups claim). Prints the
redirect URI to register at each provider, from --url, else NEXTAUTH_URL, else http://localhost:3000.
Exit 0: ready (warnings allowed); 1: a provider would fail sign-ins or the configuration is invalid.
Linked users are counted when the database opens (--database-url, DATABASE_URL, or --data-dir / OPSDECK_DATA_DIR).`;

const LEVEL_LABEL = { error: "ERROR", warn: "WARN ", info: "note " } as const;

function describe(p: ProviderCheck): string[] {
  const status = p.findings.some((f) => f.level === "error") ? "SIGN-IN WILL FAIL" : p.findings.some((f) => f.level === "warn") ? "CHECK THE WARNINGS" : "READY";
  const mapping = p.roleMapping.map((m) => `${m.group} → ${m.role}`).join(", ") || "none";
  return [
    `${p.name} (${p.id}): ${status}`,
    `  issuer        ${p.issuer}`,
    `  discovery     ${p.discovery.ok ? `answered in ${p.discovery.ms} ms, ${p.discovery.signingKeys} signing key(s)` : `failed after ${p.discovery.ms} ms`}`,
    `  redirect URI  ${p.redirectUri}   (register this at the provider)`,
    `  client        ${p.clientId}, ${p.hasClientSecret ? "secret set (client_secret_post)" : "no secret (public client)"}`,
    `  scopes        ${p.scopes.join(" ")}`,
    `  roles         ${mapping} (claim "${p.groupsClaim}"); no mapped group: ${p.defaultRole ?? "refused"}`,
    `  MFA           ${p.trustIdpMfa ? "the provider's, when amr/acr proves it; else the console's TOTP" : "the console's TOTP after every SSO sign-in"}`,
    `  linked users  ${p.linkedUsers}${p.lastSignInAt ? `, last sign-in ${p.lastSignInAt.toISOString()}` : ""}`,
    ...p.findings.map((f) => `  ${LEVEL_LABEL[f.level]} ${f.text}`),
  ];
}

export async function runSsoCli(argv: string[], io: Pick<CliIo, "out" | "err"> = processIo): Promise<number> {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      args: argv.slice(2),
      options: { url: { type: "string" }, json: { type: "boolean" }, "database-url": { type: "string" }, "data-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${SSO_USAGE}`);
    return 2;
  }
  if (flags.help || argv[1] !== "check") {
    (flags.help ? io.out : io.err)(SSO_USAGE);
    return flags.help ? 0 : 2;
  }
  const url = z.url({ protocol: /^https?$/ }).safeParse(flags.url ?? publicUrlEnv() ?? "http://localhost:3000");
  if (!url.success) {
    io.err(`--url must be the console's public URL, e.g. https://ops.example.com\n\n${SSO_USAGE}`);
    return 2;
  }
  const db = await openCliDatabase({ databaseUrl: flags["database-url"], dataDir: flags["data-dir"] }).catch(() => null);
  try {
    const check = await checkSsoSetup(new URL(url.data).origin, { countLinkedUsers: db !== null });
    if (flags.json) {
      io.out(JSON.stringify(check, null, 2));
      return hasErrors(check) ? 1 : 0;
    }
    io.out(`Password sign-in: ${check.passwordSignIn}${check.passwordSignIn === "off" ? " (single sign-on only; break-glass from this shell)" : ""}`);
    if (!db) io.out("(The database could not be opened: linked users are not counted.)");
    if (check.configProblems.length) {
      io.err("The SSO configuration is invalid; fix these and restart the console:");
      for (const line of check.configProblems) io.err(`  ${line}`);
    } else if (check.providers.length === 0) {
      io.out("No SSO provider is configured (OPSDECK_OIDC_ISSUER … or OPSDECK_OIDC_PROVIDERS).");
    }
    for (const p of check.providers) {
      io.out("");
      for (const line of describe(p)) io.out(line);
    }
    return hasErrors(check) ? 1 : 0;
  } finally {
    await db?.close();
  }
}
