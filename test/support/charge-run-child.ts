// A worker in its own process for the crash-safety test: runs charge runs against the database and
// the (local) Stripe API named in its environment until nothing is due, then exits 0.
// NOW_OFFSET_MS moves its clock forward (a restart that comes later than the crash).
import { openDatabase } from "#db/connection.ts";
import { createStripeGateway } from "~/payments/stripe.server";
import { runChargeRun } from "~/pledges/charging.server";

const handle = openDatabase(process.env.DATABASE_URL!);
const gateway = createStripeGateway({
  secretKey: process.env.STRIPE_SECRET_KEY!,
  apiUrl: process.env.STRIPE_API_URL,
});
const offset = Number(process.env.NOW_OFFSET_MS ?? 0);
const report = await runChargeRun(
  { db: handle.db, engine: handle.engine, gateway, clock: () => new Date(Date.now() + offset) },
  {
    rate: Number(process.env.CHARGE_RATE ?? 25),
    concurrency: 4,
    batch: 10,
    workerId: `child-${process.pid}`,
  },
);
console.log(`charge run done: ${JSON.stringify(report)}`);
await handle.db.destroy();
