// Pledges charged for real through the local Stripe server, and what the database says was refunded:
// shared by the refund and charge-run tests, whether they run in one process or several.
import type { Kysely } from "kysely";
import { expect } from "vitest";
import type { Database } from "#db/schema.ts";
import type { PaymentGateway } from "~/payments/gateway";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import { runChargeRun } from "~/pledges/charging.server";
import { getPledge } from "~/pledges/pledges.server";
import { createCampaign, createPledge } from "./factories";
import type { FakeStripe, TestCard } from "./stripe-server";
import type { TestDatabase } from "./database";

/** A customer with a card saved through Checkout (setup mode), as an all-or-nothing backer has. */
export async function savedCard(fake: FakeStripe, card: TestCard) {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency: "eur",
    success_url: "https://x.example/ok",
  });
  fake.completeCheckout(session.id, card);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  return { customer: String(setupIntent.customer), paymentMethod: String(setupIntent.payment_method) };
}

/** A succeeded all-or-nothing campaign with one committed pledge per saved card, not charged yet. */
export async function stripeCampaignWith(
  db: Kysely<Database>,
  fake: FakeStripe,
  cards: TestCard[],
  amount = 2_500,
) {
  const campaign = await createCampaign(db, {
    status: "succeeded",
    deadline_at: "2026-11-01T22:59:59.999Z",
    goal_amount: 1_000,
  });
  const pledges: string[] = [];
  for (const card of cards) {
    const { customer, paymentMethod } = await savedCard(fake, card);
    pledges.push(
      await createPledge(db, campaign, {
        amount,
        status: "committed",
        stripe_customer_id: customer,
        payment_method_id: paymentMethod,
        gateway: "stripe",
      }),
    );
  }
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: amount * cards.length, backer_count: cards.length })
    .where("id", "=", campaign)
    .execute();
  return { campaign, pledges };
}

/** One pledge charged off-session by the local Stripe server: a real charge that Stripe will refund. */
export async function stripeCollectedPledge(
  { db, engine }: TestDatabase,
  fake: FakeStripe,
  gateway: PaymentGateway,
  amount: number,
  now: Date,
) {
  const { campaign, pledges } = await stripeCampaignWith(db, fake, ["visa"], amount);
  const pledgeId = pledges[0]!;
  await runChargeRun({ db, engine, gateway, clock: () => now }, { rate: 100, concurrency: 1 });
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected" });
  return { campaign, pledgeId };
}

/** The PaymentIntents the local Stripe server holds for a pledge. */
export const intentsOf = (fake: FakeStripe, pledgeId: string) =>
  [...fake.paymentIntents.values()].filter((intent) => intent.metadata?.pledge_id === pledgeId);

/** What the database says was refunded, three ways, which must agree. */
export async function refundedByDatabase(db: Kysely<Database>, pledgeId: string, campaign: string) {
  const pledge = (await getPledge(db, pledgeId))!;
  const rows = await db
    .selectFrom("refunds")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount"), eb.lit(0)).as("total"))
    .where("pledge_id", "=", pledgeId)
    .where("status", "=", "succeeded")
    .executeTakeFirstOrThrow();
  const ledger = await db
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("ledger_entries.amount"), eb.lit(0)).as("total"))
    .where("ledger_transactions.kind", "=", "refund")
    .where("ledger_transactions.pledge_id", "=", pledgeId)
    .where("ledger_entries.account", "=", `owner:${campaign}`)
    .executeTakeFirstOrThrow();
  return {
    pledge: pledge.refunded_amount,
    reserved: pledge.refund_reserved,
    rows: Number(rows.total),
    ledger: Number(ledger.total),
  };
}

/** What refundedByDatabase reads once `amount` is refunded and agreed on everywhere, nothing reserved. */
export const refundedEverywhere = (amount: number) => ({
  pledge: amount,
  reserved: 0,
  rows: amount,
  ledger: amount,
});

/**
 * A succeeded all-or-nothing campaign of `ownerId` with one pledge per amount, charged through Stripe
 * by the charge run and its fees read back: what a payout starts from.
 */
export async function chargedStripeCampaign(
  { db, engine }: Pick<TestDatabase, "db" | "engine">,
  gateway: PaymentGateway,
  fake: FakeStripe,
  ownerId: string,
  amounts: number[],
  now: () => Date,
) {
  const campaign = await createCampaign(db, {
    owner_id: ownerId,
    status: "succeeded",
    goal_amount: 1_000,
    deadline_at: "2026-11-01T22:59:59.999Z",
  });
  const pledges: string[] = [];
  for (const amount of amounts) {
    const card = await savedCard(fake, "visa");
    pledges.push(
      await createPledge(db, campaign, {
        amount,
        currency: "EUR",
        status: "committed",
        stripe_customer_id: card.customer,
        payment_method_id: card.paymentMethod,
        gateway: "stripe",
      }),
    );
  }
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: amounts.reduce((a, b) => a + b, 0), backer_count: amounts.length })
    .where("id", "=", campaign)
    .execute();
  const report = await runChargeRun({ db, engine, gateway, clock: now }, { rate: 100, concurrency: 2 });
  expect(report).toMatchObject({ charged: amounts.length, failed: 0 });
  expect(await recordProviderFees(db, gateway, now())).toBe(amounts.length);
  return { campaign, pledges };
}
