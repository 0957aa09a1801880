/**
 * Postgres store of the restarts the monitor saw (table `container_restarts`, migration
 * 20261125190000_container_restarts). The engine replays its events when a monitor subscribes, but it
 * keeps only its last 256 events (health-check execs included), so on a busy engine the replay
 * reaches back minutes, not the hour the crash-loop flag needs. A new monitor seeds its tracker from
 * here; the tracker drops a replayed event that names a restart it already has.
 */
import type pg from "pg";

export interface RestartStore {
  record(engineId: string, containerId: string, at: number): Promise<void>;
  /** Restart times (ms) per container of one engine since `since`, oldest first. */
  since(engineId: string, since: number): Promise<Map<string, number[]>>;
  /** Deletes rows older than `before`; returns how many. */
  prune(before: number): Promise<number>;
}

export class PgRestartStore implements RestartStore {
  constructor(private readonly db: pg.Pool | pg.ClientBase) {}

  async record(engineId: string, containerId: string, at: number): Promise<void> {
    await this.db.query("insert into container_restarts (engine_id, container_id, at) values ($1, $2, $3) on conflict do nothing", [
      engineId,
      containerId,
      new Date(at).toISOString(),
    ]);
  }

  async since(engineId: string, since: number): Promise<Map<string, number[]>> {
    const { rows } = await this.db.query<{ container_id: string; at: Date }>(
      "select container_id, at from container_restarts where engine_id = $1 and at > $2 order by at",
      [engineId, new Date(since).toISOString()],
    );
    const byContainer = new Map<string, number[]>();
    for (const r of rows) {
      const list = byContainer.get(r.container_id) ?? [];
      list.push(r.at.getTime());
      byContainer.set(r.container_id, list);
    }
    return byContainer;
  }

  async prune(before: number): Promise<number> {
    const result = await this.db.query("delete from container_restarts where at < $1", [new Date(before).toISOString()]);
    return result.rowCount ?? 0;
  }
}
