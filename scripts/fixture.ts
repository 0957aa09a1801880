/**
 * The PostHog-like fixture stack for trying the console by hand:
 *   tsx scripts/fixture.ts up [--project NAME]     start it (default project "posthog"), print URLs
 *   tsx scripts/fixture.ts down [--project NAME]   remove its containers and volumes
 *   tsx scripts/fixture.ts status [--project NAME] show whether it runs
 * Starts (and on a fresh machine installs) the local Docker engine as the tests do. The stack is
 * labelled as a manual fixture: test runs never sweep it; only `down` removes it.
 */
import { ensureDockerEngine } from "../e2e/fixtures/docker/ensure-engine";
import { PROJECT_LABEL } from "../e2e/fixtures/docker/fixture-stack";
import { MANUAL_FIXTURE_LABEL, exampleConfigEnv, removeProjectResources, startPosthogFixture } from "../e2e/fixtures/posthog/stack";

const USAGE = "usage: tsx scripts/fixture.ts up|down|status [--project NAME]";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let project = "posthog";
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--project" && rest[i + 1]) project = rest[++i]!;
    else {
      console.error(USAGE);
      return 2;
    }
  }
  const engine = await ensureDockerEngine();
  const docker = engine.docker;
  const filters = { label: [`${PROJECT_LABEL}=${project}`, `${MANUAL_FIXTURE_LABEL}=1`] };
  switch (command) {
    case "up": {
      const existing = await docker.listContainers({ all: true, filters });
      if (existing.length > 0) {
        console.error(`fixture "${project}" already exists (${existing.length} containers); run: npm run fixture:down`);
        return 1;
      }
      const fixture = await startPosthogFixture({ docker, socketPath: engine.socketPath, project, manual: true });
      const { urls, credentials: c } = fixture;
      console.log(`PostHog fixture "${project}" is up in ${(fixture.startMs / 1000).toFixed(1)} s on ${engine.socketPath}:`);
      console.log(`  web         ${urls.web}  (health: ${urls.webHealth})`);
      console.log(`  postgres    ${urls.postgres}`);
      console.log(`  redis       ${urls.redis}`);
      console.log(`  clickhouse  ${urls.clickhouse}  user=${c.clickhouse.user} password=${c.clickhouse.password} database=${c.clickhouse.database}`);
      console.log(`  (ClickHouse native port ${fixture.ports.clickhouseTcp})`);
      console.log(`Environment for opsdeck.example.yaml to reach it (then OPSDECK_CONFIG=opsdeck.example.yaml):`);
      const env = exampleConfigEnv(fixture.info);
      console.log(`  export ${Object.entries(env).map(([k, v]) => `${k}='${v}'`).join(" ")}`);
      console.log(`Make the worker crash-loop: docker exec ${project}-web-1 touch /state/crash   (undo: rm /state/crash, then docker restart ${project}-worker-1)`);
      console.log(`Make /health stale:        docker exec ${project}-web-1 sh -c 'touch /state/sync-paused; echo 2020-01-01T00:00:00Z > /state/last_sync'`);
      console.log(`Remove it:                 npm run fixture:down`);
      return 0;
    }
    case "down": {
      const removed = await removeProjectResources(docker, project, true);
      console.log(`fixture "${project}": removed ${removed.containers} containers and ${removed.volumes} volumes`);
      return 0;
    }
    case "status": {
      const containers = await docker.listContainers({ all: true, filters });
      if (containers.length === 0) console.log(`fixture "${project}" is not running`);
      for (const c of containers) console.log(`${c.Names[0]?.replace(/^\//, "")}\t${c.State}\t${c.Status}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`fixture: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
