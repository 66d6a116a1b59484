// bench/charge-run: 10 000 committed pledges of a succeeded campaign charged off-session through the
// real Stripe SDK against the local Stripe-compatible server, at the configured rate. Reports the
// achieved requests/s as a fraction of the rate limit (target ≥ 90 %) and the total time.
//
//   npm run bench:charge-run -- [--pledges 10000] [--rate 25] [--concurrency 10]
import { mkdtempSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "#db/connection.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { createStripeGateway } from "~/payments/stripe.server";
import { runChargeRun } from "~/pledges/charging.server";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { startStripeServer } from "../test/support/stripe-server.ts";

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

// Saved cards, as Checkout (setup mode) leaves them: made directly on the local server's side.
const session = await fake.stripe.checkout.sessions.create({
  mode: "setup",
  currency: "eur",
  success_url: "https://x.example",
});
fake.completeCheckout(session.id, "visa");
const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
const customer = String(setupIntent.customer);
const paymentMethod = String(setupIntent.payment_method);

const iso = new Date().toISOString();
const owner = randomUUID();
const campaign = randomUUID();
await db
  .insertInto("users")
  .values({ id: owner, email: "owner@bench.example", name: "Owner", locale: "fr", created_at: iso })
  .execute();
await db
  .insertInto("campaigns")
  .values({
    id: campaign,
    slug: "bench",
    owner_id: owner,
    status: "succeeded",
    language: "fr",
    title: "Bench",
    tagline: "",
    story_md: "",
    cover_image: null,
    goal_amount: 1_000,
    currency: "EUR",
    funding_model: "all_or_nothing",
    time_zone: "Europe/Paris",
    duration_days: 15,
    launched_at: iso,
    deadline_at: iso,
    closed_at: iso,
    pledged_amount: count * 2_500,
    backer_count: count,
    created_at: iso,
    updated_at: iso,
  })
  .execute();
for (let i = 0; i < count; i += 500) {
  await db
    .insertInto("pledges")
    .values(
      Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
        id: randomUUID(),
        campaign_id: campaign,
        tier_id: null,
        user_id: null,
        backer_name: `B${i + j}`,
        backer_email: `b${i + j}@bench.example`,
        amount: 2_500,
        currency: "EUR",
        status: "committed" as const,
        anonymous: 0 as const,
        comment: null,
        locale: "fr",
        created_at: iso,
        committed_at: iso,
        updated_at: iso,
        gateway: "stripe" as const,
        stripe_customer_id: customer,
        payment_method_id: paymentMethod,
      })),
    )
    .execute();
}

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
