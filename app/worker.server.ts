// `npm run worker`: the job runner alone, without the web server (run the web with JOBS=false).
import { appJobs, createGateway, createMailTransport, prepareDatabase } from "~/boot.server";
import { startJobs } from "~/jobs/runner.server";
import { ConfigError, loadConfig } from "~/lib/config.server";
import { systemClock } from "~/lib/time";

async function main(): Promise<void> {
  const config = loadConfig();
  const { handle } = await prepareDatabase({ ...config, SEED_DEMO: false }, systemClock());
  const gateway = createGateway(config, handle);
  const transport = createMailTransport(config, handle);
  const jobs = startJobs(appJobs(config, handle, gateway, transport), systemClock);
  console.log(`[tour-de-table worker] running jobs on ${handle.description}, email via ${transport.name}`);
  const stop = async (signal: string) => {
    console.log(`[tour-de-table worker] ${signal}: finishing the jobs in flight`);
    await jobs.stop();
    await transport.close();
    await handle.db.destroy();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
