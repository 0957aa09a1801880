/**
 * Postgres store of the sampler's one-minute points (table `container_samples`, migration
 * 20261125150000_container_samples), for the 24-hour charts of the container page.
 */
import type pg from "pg";
import type { MinutePoint, SampleStore } from "./stats-sampler";

export class PgSampleStore implements SampleStore {
  constructor(private readonly db: pg.Pool | pg.ClientBase) {}

  /** Upserts points (a minute written twice keeps the later figures). */
  async write(batch: MinutePoint[]): Promise<void> {
    // One row per (engine, container, minute) per statement: Postgres refuses an upsert that touches a row twice
    // ("ON CONFLICT DO UPDATE command cannot affect row a second time"), and a batch can hold the same minute
    // twice (a stream re-opened within the minute, points kept from a failed write). The later point wins.
    const byKey = new Map<string, MinutePoint>();
    for (const p of batch) byKey.set(`${p.engineId}\u0000${p.containerId}\u0000${p.minute.getTime()}`, p);
    const points = [...byKey.values()];
    if (points.length === 0) return;
    await this.db.query(
      `insert into container_samples
         (engine_id, container_id, minute, container_name, project, service,
          cpu_percent, mem_used_bytes, mem_max_bytes, mem_limit_bytes, mem_percent, samples)
       select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                            $7::float8[], $8::int8[], $9::int8[], $10::int8[], $11::float8[], $12::int4[])
       on conflict (engine_id, container_id, minute) do update set
         container_name = excluded.container_name, project = excluded.project, service = excluded.service,
         cpu_percent = excluded.cpu_percent, mem_used_bytes = excluded.mem_used_bytes,
         mem_max_bytes = excluded.mem_max_bytes, mem_limit_bytes = excluded.mem_limit_bytes,
         mem_percent = excluded.mem_percent, samples = excluded.samples`,
      [
        points.map((p) => p.engineId),
        points.map((p) => p.containerId),
        points.map((p) => p.minute.toISOString()),
        points.map((p) => p.containerName),
        points.map((p) => p.project),
        points.map((p) => p.service),
        points.map((p) => p.cpuPercent),
        points.map((p) => String(p.memUsedBytes)),
        points.map((p) => String(p.memMaxBytes)),
        points.map((p) => String(p.memLimitBytes)),
        points.map((p) => p.memPercent),
        points.map((p) => p.samples),
      ],
    );
  }

  async prune(before: Date): Promise<number> {
    const result = await this.db.query("delete from container_samples where minute < $1", [before.toISOString()]);
    return result.rowCount ?? 0;
  }

  /** One container's points since `since`, oldest first. */
  async read(engineId: string, containerId: string, since: Date): Promise<MinutePoint[]> {
    const result = await this.db.query<{
      engine_id: string;
      container_id: string;
      minute: Date;
      container_name: string;
      project: string | null;
      service: string | null;
      cpu_percent: number | null;
      mem_used_bytes: string;
      mem_max_bytes: string;
      mem_limit_bytes: string;
      mem_percent: number | null;
      samples: number;
    }>(
      `select * from container_samples where engine_id = $1 and container_id = $2 and minute >= $3 order by minute`,
      [engineId, containerId, since.toISOString()],
    );
    return result.rows.map((r) => ({
      engineId: r.engine_id,
      containerId: r.container_id,
      containerName: r.container_name,
      project: r.project,
      service: r.service,
      minute: r.minute,
      cpuPercent: r.cpu_percent,
      memUsedBytes: Number(r.mem_used_bytes),
      memMaxBytes: Number(r.mem_max_bytes),
      memLimitBytes: Number(r.mem_limit_bytes),
      memPercent: r.mem_percent,
      samples: r.samples,
    }));
  }
}
