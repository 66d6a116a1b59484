// A worker in its own process for the refund concurrency test: fires the refunds named in REFUNDS
// (comma-separated minor units) at once at PLEDGE_ID, through the (local) Stripe API, on its own
// database connection (SQLite: another process on the same file). Prints how many succeeded.
import { openDatabase } from "#db/connection.ts";
import { createStripeGateway } from "~/payments/stripe.server";
import { refundPledge } from "~/pledges/refunds.server";

const handle = openDatabase(process.env.DATABASE_URL!);
const gateway = createStripeGateway({
  secretKey: process.env.STRIPE_SECRET_KEY!,
  apiUrl: process.env.STRIPE_API_URL,
});
const amounts = process.env.REFUNDS!.split(",").map(Number);
const results = await Promise.allSettled(
  amounts.map((amount) =>
    refundPledge(
      { db: handle.db, gateway },
      { pledgeId: process.env.PLEDGE_ID!, amount, reason: `From ${process.pid}` },
      new Date(),
    ),
  ),
);
const refused = results
  .filter((r) => r.status === "rejected")
  .map((r) => (r.reason as { code?: string }).code);
console.log(JSON.stringify({ succeeded: results.length - refused.length, refused }));
await handle.db.destroy();
