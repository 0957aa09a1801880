/**
 * Makes sure the local Docker engine the tests use is up and has the fixture base image:
 *   tsx scripts/ensure-docker-engine.ts
 * Installs Debian's docker.io / busybox-static and starts dockerd when needed (root only); the
 * engine is left running for the tests. Prints one line saying what it did.
 */
import { BASE_IMAGE, imageExists, ensureBaseImage } from "../e2e/fixtures/docker/base-image";
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";

async function main(): Promise<void> {
  const started = Date.now();
  const engine = await ensureDockerEngine();
  const engineMs = Date.now() - started;
  const hadImage = await imageExists(engine.docker, BASE_IMAGE);
  const image = await ensureBaseImage(engine.docker);
  const { Version } = await engine.docker.version();
  const engineNote = engine.startedByUs ? `started dockerd ${Version} (${engineMs} ms)` : `engine ${Version} already running`;
  const imageNote = hadImage ? `${image} present` : `built ${image}`;
  console.log(`docker: ${engineNote} on ${engine.socketPath}; ${imageNote} (total ${Date.now() - started} ms)`);
}

main().catch((error: unknown) => {
  console.error(`docker: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
