/**
 * The session secret: NEXTAUTH_SECRET when the operator set one; otherwise (single-node installs)
 * a random 48-byte secret generated on first start and kept in the data directory (mode 0600).
 * Never a built-in default.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export async function resolveSessionSecret(given: string | undefined, dataDir: string): Promise<{ secret: string; source: "env" | "generated" | "data-dir" }> {
  if (given && given.trim() !== "") return { secret: given.trim(), source: "env" };
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return { secret: (await readFile(file, "utf8")).trim(), source: "data-dir" };
  const secret = randomBytes(48).toString("base64url");
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: "generated" };
}
