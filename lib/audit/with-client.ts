/**
 * A dedicated database connection for the length of a long unit of audit work (a verify walk, a
 * retention archive + purge). Not the console's pool: that pool is small and its query timeout is
 * short, both right for page reads and wrong for work that may take minutes on a large log.
 */
import pg from "pg";

export async function withClient<T>(connectionString: string, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: "opsdeck-audit" });
  client.on("error", () => undefined); // a lost connection surfaces as the failing query's error
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
