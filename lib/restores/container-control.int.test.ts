/**
 * ensureRunning against a real container: one that dies after it was seen running (the rollback right
 * after a target was killed mid-restore) is started again instead of waited on until the deadline.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureDockerEngine } from "../../e2e/fixtures/docker/ensure-engine";
import { startFixtureStack, type FixtureStack } from "../../e2e/fixtures/docker/fixture-stack";
import { execText } from "../backups/engines/command";
import { ensureRunning, type ContainerRef } from "./container-control";

let stack: FixtureStack;
let ref: ContainerRef;

beforeAll(async () => {
  const engine = await ensureDockerEngine();
  stack = await startFixtureStack(engine.docker, {
    project: `opsdeck-test-ensure-${randomBytes(3).toString("hex")}`,
    services: [{ service: "server", cmd: ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 1 & wait $!; done"], networkMode: "none" }],
  });
  const { id, container } = stack.get("server");
  ref = { docker: engine.docker, id, name: (await container.inspect()).Name.replace(/^\//, "") };
}, 120_000);

afterAll(async () => {
  await stack?.teardown();
});

it("a container seen running that dies before it answers is started again, not waited on until the deadline", async () => {
  const container = ref.docker.getContainer(ref.id);
  expect((await container.inspect()).State.Running).toBe(true);
  let attempts = 0;
  const answers = async () => {
    attempts++;
    if (attempts === 1) {
      await container.kill(); // it goes down after ensureRunning saw it running
      throw new Error("not answering yet");
    }
    await execText({ kind: "volume", stack: "t", service: "server", docker: ref.docker, containerId: ref.id }, { kind: "exec", argv: ["/bin/true"], env: {}, secretEnv: [] });
  };
  const started = Date.now();
  await expect(ensureRunning(ref, answers, 20_000)).resolves.toBe(true);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect((await container.inspect()).State.Running).toBe(true);
  expect(attempts).toBeGreaterThanOrEqual(2);
});

it("a running container that answers is left as it is (not started by this call)", async () => {
  await expect(ensureRunning(ref, async () => undefined, 5_000)).resolves.toBe(false);
});
