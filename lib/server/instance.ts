/**
 * The instance record: an id and first-start time written once, and a start counter.
 * It is the first row the console writes, and what proves a restart kept the data.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";

export type InstanceInfo = { id: string; firstStartedAt: string; starts: number };

export async function recordInstanceStart(databaseUrl: string): Promise<InstanceInfo> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const value = { id: randomUUID(), firstStartedAt: new Date().toISOString(), starts: 1 };
    const result = await client.query<{ value: InstanceInfo }>(
      `insert into settings (key, value, updated_at) values ('instance', $1::jsonb, now())
       on conflict (key) do update
         set value = jsonb_set(settings.value, '{starts}', to_jsonb(coalesce((settings.value->>'starts')::int, 0) + 1)),
             updated_at = now()
       returning value`,
      [JSON.stringify(value)],
    );
    return result.rows[0]!.value;
  } finally {
    await client.end();
  }
}
