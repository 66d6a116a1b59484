// A complete load context for calling loaders and actions directly, as the server would.
import type { AppLoadContext } from "@remix-run/node";
import type { DatabaseHandle } from "#db/connection.ts";
import { createProgressHub } from "~/campaigns/live.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { loadConfig } from "~/lib/config.server";

export function testContext(handle: DatabaseHandle, overrides: Partial<AppLoadContext> = {}): AppLoadContext {
  return {
    db: handle.db,
    engine: handle.engine,
    config: loadConfig({
      SESSION_SECRET: "test-secret-".padEnd(40, "x"),
      PUBLIC_URL: "http://localhost:3000",
      // Tests of other rules pledge far faster than a person: the limits have their own tests.
      PLEDGE_LIMIT_PER_IP: "100000",
      PLEDGE_LIMIT_PER_EMAIL: "100000",
      HOLDS_PER_EMAIL: "100000",
      HOLDS_PER_IP: "100000",
    }),
    clock: () => new Date(),
    gateway: createSimulatedGateway(handle.db),
    live: createProgressHub(handle.db),
    clientIp: "127.0.0.1",
    ...overrides,
  };
}
