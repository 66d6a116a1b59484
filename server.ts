// The HTTP server: Express in front of Remix, so that the app, its database and (later) the job
// runner start together and SIGTERM drains them together. `npm run dev` and `npm start` run this.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isConnectionError } from "./db/connection-errors.ts";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { appJobs, createGateway, createMailTransport, prepareDatabase } from "./app/boot.server.ts";
import { createProgressHub } from "./app/campaigns/live.server.ts";
import { startJobs } from "./app/jobs/runner.server.ts";
import { ConfigError, loadConfig, type Config } from "./app/lib/config.server.ts";
import {
  bodyLimit,
  clientFiles,
  compress,
  formsOnly,
  remixHandler,
  requestContext,
  securityHeaders,
} from "./app/lib/http.server.ts";
import { createRequestLogger } from "./app/lib/log.server.ts";
import { createMetrics, metricsEndpoint } from "./app/lib/metrics.server.ts";
import { createRenderCache } from "./app/lib/render-cache.server.ts";
import { routeLabeler } from "./app/lib/route-label.server.ts";
import { withOutageAnswers } from "./app/lib/outage.server.ts";
import { clientIp } from "./app/lib/request.server.ts";
import { systemClock } from "./app/lib/time.ts";

const log = (line: string) => console.log(`[tour-de-table] ${line}`);

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const production = config.NODE_ENV === "production";

  const { handle, migrated, seeded } = await prepareDatabase(config, systemClock());
  log(`database ${handle.description}${migrated.length ? ` (migrated: ${migrated.join(", ")})` : ""}`);
  if (seeded?.created.length) log(`demo data seeded: ${seeded.created.join(", ")}`);

  const gateway = createGateway(config, handle);
  log(
    gateway.name === "simulated"
      ? "payments: SIMULATED gateway, test mode, no real money (set STRIPE_SECRET_KEY for Stripe)"
      : `payments: Stripe${gateway.testMode ? " (test mode)" : " (LIVE)"}`,
  );
  // Commits in this process tell it at once; on PostgreSQL, other instances' commits by NOTIFY.
  const live = createProgressHub(handle.db, { listen: handle.listen });
  const transport = createMailTransport(config, handle);
  log(
    transport.name === "smtp"
      ? "email: SMTP"
      : "email: local mailbox (set SMTP_URL to send for real); admins read it at /admin/mailbox, sign-in links are printed here",
  );
  // JOBS=false when a separate `npm run worker` runs them.
  const jobs = config.JOBS ? startJobs(appJobs(config, handle, gateway, transport), systemClock) : undefined;

  const vite = production
    ? undefined
    : await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
  const buildPath = config.SERVER_BUILD
    ? pathToFileURL(resolve(config.SERVER_BUILD)).href
    : new URL("./build/server/index.js", import.meta.url).href;
  // withOutageAnswers: a lost database connection answers 503 with a page, never 500.
  const build: ServerBuild | (() => Promise<ServerBuild>) = vite
    ? () =>
        (vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>).then((b) =>
          withOutageAnswers(b),
        )
    : withOutageAnswers((await import(buildPath)) as ServerBuild);

  const metrics = createMetrics({
    db: handle.db,
    clock: systemClock,
    sseClients: () => live.listenerCount(),
    pool: handle.poolStats,
    jobs: jobs?.stats,
  });
  // Anonymous campaign pages, rendered once for many visitors (each answer with its own nonce).
  const renderCache =
    production && config.RENDER_CACHE_MS > 0
      ? createRenderCache({ ttlMs: config.RENDER_CACHE_MS })
      : undefined;

  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  // The request id, metrics and log line; headers (CSP nonce, HSTS…); compression; then the checks
  // that refuse a body before it is read.
  app.use(
    requestContext({
      logger: config.LOG_REQUESTS ? createRequestLogger() : undefined,
      metrics,
      routeOf: routeLabeler(typeof build === "function" ? undefined : build),
    }),
  );
  app.use(securityHeaders({ publicUrl: config.PUBLIC_URL, production }));
  app.use(compress());
  app.get("/metrics", metricsEndpoint(config.METRICS_TOKEN, metrics));
  app.use(formsOnly(() => config.PUBLIC_URL));
  app.use(bodyLimit());
  if (vite) {
    app.use(vite.middlewares);
  } else {
    app.use(clientFiles("build/client"));
  }
  app.all(
    "*",
    remixHandler({
      build,
      renderCache,
      mode: production ? "production" : "development",
      getLoadContext: (req, res) => ({
        clientIp: clientIp(
          { remoteAddress: req.socket.remoteAddress, forwardedFor: req.headers["x-forwarded-for"] },
          config.TRUST_PROXY,
        ),
        db: handle.db,
        engine: handle.engine,
        config,
        clock: systemClock,
        gateway,
        live,
        cspNonce: res.locals.cspNonce as string,
      }),
    }),
  );

  const server = createServer(app);
  // Idle keep-alive connections stay open for 65 s, longer than the proxies in front keep theirs
  // (nginx 60 s, AWS's load balancers 60 s): Node's 5 s default makes a proxy send a request on a
  // connection Node is closing (a 502), and makes every client that pauses reconnect. Reconnecting is
  // dear under load: a busy Node process accepts one waiting connection per event-loop turn, so a
  // burst of new connections waits its turn for seconds (docs/benchmarks.md, the first-wave stall).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // The signal handlers come before the "listening" line: a supervisor that sends SIGTERM as soon as
  // it reads that line must find them in place (it used to kill the process mid-start, exit 143).
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing requests in flight, then closing`);
    // Give open requests 10 s to finish, then cut the rest; never hang forever.
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    // Live-progress streams never end by themselves: closing the hub ends them.
    live.close();
    server.close(async () => {
      clearTimeout(force);
      await jobs?.stop();
      await transport.close();
      await vite?.close();
      await handle.db.destroy();
      log("stopped");
      process.exit(); // 0, or the exit code an uncaught exception set
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // Last resorts, never silent. A rejection nobody awaited is a bug: logged as an error, and the
  // server goes on. An uncaught exception leaves the process in an unknown state: logged, then a clean
  // stop with exit code 1 for the supervisor to restart it; except a lost database connection, which
  // the pool recovers from by itself.
  process.on("unhandledRejection", (reason) => console.error("Unhandled promise rejection:", reason));
  process.on("uncaughtException", (error) => {
    if (isConnectionError(error)) {
      log(`database connection lost outside a request: ${error.message}`);
      return;
    }
    console.error("Uncaught exception, stopping:", error);
    process.exitCode = 1;
    stop("uncaughtException");
  });

  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  // PORT=0 picks a free port: the default public URL can only be known now.
  if (!process.env.PUBLIC_URL) config = { ...config, PUBLIC_URL: `http://localhost:${port}` };
  log(
    `listening on http://localhost:${port} (${production ? "production" : "development"}), public URL ${config.PUBLIC_URL}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
