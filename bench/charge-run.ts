// bench/charge-run: 10 000 committed pledges of a succeeded campaign charged off-session through the
// real Stripe SDK against the local Stripe-compatible server, at the configured rate. Reports the
// achieved requests/s as a fraction of the rate limit (target ≥ 90 %) and the total time.
//
//   npm run bench:charge-run -- [--pledges 10000] [--rate 25] [--concurrency 10]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { createStripeGateway } from "~/payments/stripe.server";
import { runChargeRun } from "~/pledges/charging.server";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { startStripeServer } from "../test/support/stripe-server.ts";
import { succeededCampaignToCharge } from "./support.ts";

const { values } = parseArgs({
  options: {
    pledges: { type: "string", default: "10000" },
    rate: { type: "string", default: "25" },
    concurrency: { type: "string", default: "10" },
  },
});
const count = Number(values.pledges);
const rate = Number(values.rate);

const fake = await startStripeServer();
const dir = mkdtempSync(join(tmpdir(), "tdt-bench-charges-"));
const handle = openDatabase(join(dir, "bench.sqlite"));
const { db } = handle;
await migrateToLatest(db);

const { campaign } = await succeededCampaignToCharge(db, fake, count);

const gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
const requestsBefore = fake.requests.length;
const started = performance.now();
const report = await runChargeRun(
  { db, engine: handle.engine, gateway, clock: () => new Date() },
  { rate, concurrency: Number(values.concurrency), batch: 200, workerId: "bench" },
);
const seconds = (performance.now() - started) / 1000;
const requests = fake.requests.length - requestsBefore;
const achieved = requests / seconds;

const collected = await db
  .selectFrom("pledges")
  .select((eb) => eb.fn.countAll<number>().as("n"))
  .where("campaign_id", "=", campaign)
  .where("status", "=", "collected")
  .executeTakeFirstOrThrow();
const intentsPerPledge = new Map<string, number>();
for (const intent of fake.paymentIntents.values()) {
  const id = intent.metadata?.pledge_id;
  if (id) intentsPerPledge.set(id, (intentsPerPledge.get(id) ?? 0) + 1);
}
const chargedTwice = [...intentsPerPledge.values()].filter((n) => n > 1).length;
const row = await db
  .selectFrom("campaigns")
  .select(["pledged_amount", "backer_count"])
  .where("id", "=", campaign)
  .executeTakeFirstOrThrow();
const totals = await recomputeTotals(db, campaign);

console.log(
  [
    `bench/charge-run on ${process.platform}/${process.arch}, node ${process.version}, SQLite, local Stripe-compatible server`,
    `pledges: ${count}; charged ${report.charged}, failed ${report.failed}, errors ${report.errors}; collected rows: ${Number(collected.n)}`,
    `total time ${seconds.toFixed(1)} s; ${requests} API requests → ${achieved.toFixed(2)} requests/s = ${((achieved / rate) * 100).toFixed(1)} % of the ${rate}/s limit`,
    `pledges charged twice: ${chargedTwice}; totals exact: ${totals.pledged === row.pledged_amount && totals.backers === row.backer_count}`,
  ].join("\n"),
);
await db.destroy();
await fake.close();
rmSync(dir, { recursive: true, force: true });
if (report.charged !== count || chargedTwice) process.exit(1);
