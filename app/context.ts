// What the server hands every loader and action: the database, the config and the clock.
// Routes take them from here so that tests can give their own.
import type { Kysely } from "kysely";
import type { Engine } from "#db/connection.ts";
import type { Database } from "#db/schema.ts";
import type { Config } from "~/lib/config.server";
import type { Clock } from "~/lib/time";

declare module "@remix-run/node" {
  interface AppLoadContext {
    db: Kysely<Database>;
    engine: Engine;
    config: Config;
    clock: Clock;
  }
}

export {};
