// What the server hands every loader and action: the database, the config, the clock, the payment
// gateway and the live-progress hub. Routes take them from here so that tests can give their own.
import type { Kysely } from "kysely";
import type { Engine } from "#db/connection.ts";
import type { Database } from "#db/schema.ts";
import type { ProgressHub } from "~/campaigns/live.server";
import type { PaymentGateway } from "~/payments/gateway";
import type { Config } from "~/lib/config.server";
import type { Clock } from "~/lib/time";

declare module "@remix-run/node" {
  interface AppLoadContext {
    db: Kysely<Database>;
    engine: Engine;
    config: Config;
    clock: Clock;
    gateway: PaymentGateway;
    live: ProgressHub;
    /** Who is asking, by address (`clientIp` in app/lib/request.server.ts): rate limits count it. */
    clientIp: string;
    /** This response's Content-Security-Policy nonce (server.ts makes one per request). */
    cspNonce?: string;
  }
}

export {};
