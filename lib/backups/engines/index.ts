/** The engine for each service kind. */
import { clickhouseEngine } from "./clickhouse";
import { mongodbEngine } from "./mongodb";
import { postgresEngine } from "./postgres";
import { redisEngine } from "./redis";
import type { BackupEngine, EngineKind } from "./types";
import { volumeEngine } from "./volume";

export const BACKUP_ENGINES: Readonly<Record<EngineKind, BackupEngine>> = {
  postgres: postgresEngine,
  clickhouse: clickhouseEngine,
  redis: redisEngine,
  mongodb: mongodbEngine,
  volume: volumeEngine,
};

export function engineFor(kind: EngineKind): BackupEngine {
  return BACKUP_ENGINES[kind];
}
