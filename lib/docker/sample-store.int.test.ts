/** The sampler's minute points in the real Postgres schema (migration 20261125150000_container_samples). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { useMigratedTestDatabase } from "../../test/test-database";
import { PgSampleStore } from "./sample-store";
import type { MinutePoint } from "./stats-sampler";

let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await useMigratedTestDatabase("samples");
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await db?.cleanup();
});

const point = (minute: Date, cpu: number | null, mem: number): MinutePoint => ({
  engineId: "local",
  containerId: "c".repeat(64),
  containerName: "posthog-db-1",
  project: "posthog",
  service: "db",
  minute,
  cpuPercent: cpu,
  memUsedBytes: mem,
  memMaxBytes: mem + 10,
  memLimitBytes: 6 * 1024 ** 3,
  memPercent: (mem / (6 * 1024 ** 3)) * 100,
  samples: 60,
});

describe("container_samples store", () => {
  it("upserts minute points, reads them back in order, and prunes older than the retention", async () => {
    const store = new PgSampleStore(pool);
    const now = Date.UTC(2026, 10, 25, 12, 0);
    const m = (i: number) => new Date(now - i * 60_000);
    await store.write([point(m(2), 1.5, 1000), point(m(1), null, 2000), point(m(60 * 25), 3, 3000)]);
    await store.write([point(m(1), 7.25, 5_000_000_000)]); // the same minute again: later figures win
    // The same minute twice in one batch (a stream re-opened within the minute; points kept from a failed write):
    // written once, the later point wins, and the rest of the batch is not lost.
    await store.write([point(m(3), 2, 100), point(m(1), 6, 4000), point(m(1), 7.25, 5_000_000_000)]);
    const read = await store.read("local", "c".repeat(64), m(10));
    expect(read.map((p) => [p.minute.toISOString(), p.cpuPercent, p.memUsedBytes])).toEqual([
      [m(3).toISOString(), 2, 100],
      [m(2).toISOString(), 1.5, 1000],
      [m(1).toISOString(), 7.25, 5_000_000_000],
    ]);
    expect(read[0]).toMatchObject({ project: "posthog", service: "db", samples: 60, memLimitBytes: 6 * 1024 ** 3 });
    expect(await store.prune(new Date(now - 24 * 3600_000))).toBe(1);
    expect(await store.read("local", "c".repeat(64), new Date(0))).toHaveLength(3);
  });
});
