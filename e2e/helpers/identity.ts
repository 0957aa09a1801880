/**
 * Identity helpers for e2e specs: the e2e console's database (its embedded Postgres, found through the
 * data dir the way the CLI finds it), the CLI, TOTP codes from the key the enrolment page shows, and a
 * complete sign-in with MFA enrolment. Other specs that need a signed-in user: `signInAsNewUser(page, role)`.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type Page } from "@playwright/test";
import { generate } from "otplib";
import pg from "pg";

export const E2E_PASSWORD = "harbour-violet-engine-31";

function dataDir(): string {
  const dir = process.env.OPSDECK_E2E_DATA_DIR;
  if (!dir) throw new Error("OPSDECK_E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return dir;
}

/** The running e2e console's database: credentials file + the port on line 4 of postmaster.pid. */
export function e2eDatabaseUrl(): string {
  const credentials = JSON.parse(readFileSync(path.join(dataDir(), "postgres-credentials.json"), "utf8")) as { user: string; password: string; database: string };
  const port = readFileSync(path.join(dataDir(), "postgres", "postmaster.pid"), "utf8").split("\n")[3]!.trim();
  return `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${credentials.database}`;
}

export async function e2eQuery<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** What the console prints at first start: a first-admin setup token (only its sha256 is stored). */
export async function insertFirstAdminSetupToken(): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await e2eQuery(
    `insert into setup_tokens (id, token_hash, purpose, created_at, expires_at) values (gen_random_uuid(), $1, 'first-admin', now(), now() + interval '30 minutes')`,
    [createHash("sha256").update(token).digest("hex")],
  );
  return token;
}

const run = promisify(execFile);

/** `npm run opsdeck -- <args>` against the e2e console (its data dir). */
export async function opsdeckCli(args: string[], stdin?: string): Promise<string> {
  // The e2e console's embedded database (found through its data dir), not whatever DATABASE_URL the shell has.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, OPSDECK_DATA_DIR: dataDir() } as NodeJS.ProcessEnv;
  const child = run("node_modules/.bin/tsx", ["scripts/opsdeck.ts", ...args], { env, timeout: 60_000 });
  if (stdin !== undefined) {
    child.child.stdin?.end(stdin);
  }
  const { stdout } = await child;
  return stdout;
}

let counter = 0;
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}@e2e.example.com`;
}

// ---- TOTP, as an authenticator app would compute it from the manual key ----

const lastStep = new Map<string, number>();
const currentStep = () => Math.floor(Date.now() / 30_000);

/**
 * A code the console will accept: for a step after the last one used with this key (codes cannot be
 * replayed), at most one step ahead of the clock (the drift the console allows); waits when needed.
 */
export async function freshTotp(manualKey: string): Promise<string> {
  const secret = manualKey.replace(/\s+/g, "");
  for (;;) {
    const now = currentStep();
    const step = Math.max(now, (lastStep.get(secret) ?? now - 1) + 1);
    if (step <= now + 1) {
      lastStep.set(secret, step);
      return generate({ secret, epoch: step * 30 + 1 });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// ---- flows ----

export async function enterPassword(page: Page, email: string, password = E2E_PASSWORD, { navigate = true } = {}) {
  if (navigate) await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** On /sign-in/enroll: adds the authenticator, returns its key and the recovery codes, continues to the console. */
export async function completeEnrolment(page: Page, landsOn: RegExp = /\/dashboard$/): Promise<{ manualKey: string; recoveryCodes: string[] }> {
  await expect(page).toHaveURL(/\/sign-in\/enroll/);
  const manualKey = (await page.getByTestId("manual-key").innerText()).trim();
  await page.getByLabel("Authentication code").fill(await freshTotp(manualKey));
  await page.getByRole("button", { name: "Turn on MFA" }).click();
  await expect(page.getByRole("heading", { name: "Save your recovery codes" })).toBeVisible();
  const recoveryCodes = await page.locator("[data-recovery-code]").evaluateAll((items) => items.map((i) => i.getAttribute("data-recovery-code") ?? ""));
  await page.getByLabel("I have saved my recovery codes somewhere safe.").check();
  await page.getByRole("button", { name: "Continue to Opsdeck" }).click();
  await expect(page).toHaveURL(landsOn);
  return { manualKey, recoveryCodes };
}

export async function signInWithTotp(page: Page, email: string, manualKey: string) {
  await enterPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/mfa/);
  await page.getByLabel("Authentication code").fill(await freshTotp(manualKey));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: /Account menu|@/ }).first().click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed-out=1/);
}

/** A new account with this role (made with the CLI), signed in with MFA enrolled. */
export async function signInAsNewUser(page: Page, role: "viewer" | "operator" | "admin" | "auditor") {
  const email = uniqueEmail(role);
  await opsdeckCli(["users", "create", "--email", email, "--role", role, "--password-stdin"], E2E_PASSWORD);
  await enterPassword(page, email);
  const enrolment = await completeEnrolment(page);
  return { email, ...enrolment };
}
