/**
 * Connects once to an external DATABASE_URL and turns every failure into one actionable line.
 */
import pg from "pg";
import { AppError } from "../errors/app-error";

/** host:port/database with user, never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `${user}${u.hostname}:${u.port || "5432"}${u.pathname || "/"}`;
  } catch {
    return "(unparseable URL)";
  }
}

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused — is the server running and listening on that host and port?";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found — check the host in DATABASE_URL";
    case "ETIMEDOUT":
      return "timed out — check the host, port and any firewall between the console and the database";
    case "28P01":
    case "28000":
      return "authentication failed — check the user and password in DATABASE_URL";
    case "3D000":
      return "the database does not exist — create it or fix the name in DATABASE_URL";
    default:
      return e.message ?? String(error);
  }
}

export async function checkDatabaseReachable(url: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new AppError(
      "DATABASE_UNREACHABLE",
      `Cannot reach the database at ${describeDatabaseUrl(url)}: ${reason(error)}.`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
