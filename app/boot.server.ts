// What starting the app means, shared by the server and the command line: read the config,
// open the database, migrate it, seed the demo into an empty one, and pick the payment gateway.
import { openDatabase, type DatabaseHandle } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { isEmpty, seedDemo, type SeedResult } from "~/demo/demo.server";
import { hostname } from "node:os";
import {
  authJobs,
  deadlineJobs,
  notificationJobs,
  payoutJobs,
  pledgeJobs,
  type Job,
} from "~/jobs/runner.server";
import {
  createMailboxTransport,
  createSmtpTransport,
  type MailTransport,
} from "~/notifications/transport.server";
import type { PaymentGateway } from "~/payments/gateway";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { systemClock } from "~/lib/time";
import type { Config } from "~/lib/config.server";

export async function prepareDatabase(
  config: Pick<Config, "DATABASE_URL" | "SEED_DEMO">,
  now: Date,
): Promise<{ handle: DatabaseHandle; migrated: string[]; seeded: SeedResult | null }> {
  const handle = openDatabase(config.DATABASE_URL);
  try {
    const results = await migrateToLatest(handle.db);
    const seeded = config.SEED_DEMO && (await isEmpty(handle.db)) ? await seedDemo(handle, now) : null;
    return { handle, migrated: results.map((r) => r.migrationName), seeded };
  } catch (error) {
    await handle.db.destroy();
    throw error;
  }
}

/** Stripe when a secret key is set; otherwise the simulated gateway, which moves no money. */
export function createGateway(
  config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_URL">,
  handle: DatabaseHandle,
): PaymentGateway {
  if (!config.STRIPE_SECRET_KEY) return createSimulatedGateway(handle.db);
  return createStripeGateway({ secretKey: config.STRIPE_SECRET_KEY, apiUrl: config.STRIPE_API_URL });
}

/** SMTP when SMTP_URL is set; otherwise the local mailbox, readable in the app. */
export function createMailTransport(config: Pick<Config, "SMTP_URL">, handle: DatabaseHandle): MailTransport {
  return config.SMTP_URL ? createSmtpTransport(config.SMTP_URL) : createMailboxTransport(handle.db);
}

/** Every job the app runs: pledges' housekeeping and email delivery. */
export function appJobs(
  config: Config,
  handle: DatabaseHandle,
  gateway: PaymentGateway,
  transport: MailTransport,
): Job[] {
  return [
    ...pledgeJobs(handle.db, gateway),
    ...authJobs(handle.db),
    ...deadlineJobs(
      { db: handle.db, engine: handle.engine, gateway, clock: systemClock },
      config.CHARGE_RATE,
    ),
    ...payoutJobs({ db: handle.db, gateway, defaultFeeBps: config.PLATFORM_FEE_BPS }),
    ...notificationJobs({
      db: handle.db,
      engine: handle.engine,
      transport,
      config,
      workerId: `${hostname()}:${process.pid}`,
    }),
  ];
}
