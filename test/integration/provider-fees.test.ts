// The job that posts Stripe's fee on each payment, at its edges: a payment whose balance transaction
// Stripe has not settled yet is skipped and asked again on the next run (the others are posted
// meanwhile); a platform running the simulated gateway asks nobody; two runs at once post each fee
// once and count it once.
import { expect, test } from "vitest";
import type { GatewayName } from "#db/schema.ts";
import type { PaymentSettlement } from "~/payments/gateway";
import { balance, ownerAccount } from "~/ledger/ledger.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import { createCampaign, createPledge } from "../support/factories";
import { useTestDatabase } from "../support/database";
import { unbalancedTransactions } from "../support/ledger";

const database = useTestDatabase();
const now = new Date("2026-12-10T10:00:00.000Z");
const availableAt = new Date("2026-12-17T00:00:00.000Z");

/** Collected Stripe payments of one campaign, without their fee yet; returns the campaign and intents. */
async function stripePayments(count: number) {
  const { db } = database();
  const campaign = await createCampaign(db, { status: "succeeded" });
  const intents: string[] = [];
  for (let i = 0; i < count; i++) {
    const intent = `pi_fee_${campaign.slice(0, 8)}_${i}`;
    await createPledge(db, campaign, {
      status: "collected",
      gateway: "stripe",
      payment_intent_id: intent,
      collected_at: now.toISOString(),
    });
    intents.push(intent);
  }
  return { campaign, intents };
}

/** What Stripe answers for each intent: a fee and a date, or null while the charge is not settled. */
function gatewayAnswering(name: GatewayName, answers: Map<string, PaymentSettlement | null>) {
  const asked: string[] = [];
  return {
    asked,
    gateway: {
      name,
      async paymentSettlement(intent: string) {
        asked.push(intent);
        // As a network call would, let the other run go on meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return answers.get(intent) ?? null;
      },
    },
  };
}

async function stripeFeeRows(campaign: string) {
  return database()
    .db.selectFrom("ledger_transactions")
    .select(["pledge_id"])
    .where("campaign_id", "=", campaign)
    .where("kind", "=", "stripe_fee")
    .execute();
}

test("a payment Stripe has not settled yet is skipped, the others posted, and it is asked again next run", async () => {
  const { db } = database();
  const { campaign, intents } = await stripePayments(3);
  const answers = new Map<string, PaymentSettlement | null>([
    [intents[0]!, { fee: 63, availableAt }],
    [intents[1]!, null],
    [intents[2]!, { fee: 115, availableAt }],
  ]);
  const first = gatewayAnswering("stripe", answers);
  expect(await recordProviderFees(db, first.gateway, now)).toBe(2);
  expect(await balance(db, ownerAccount(campaign))).toBe(63 + 115);
  const waiting = await db
    .selectFrom("pledges")
    .select(["payment_intent_id", "funds_available_at"])
    .where("campaign_id", "=", campaign)
    .orderBy("payment_intent_id")
    .execute();
  expect(waiting.map((p) => p.funds_available_at !== null)).toEqual([true, false, true]);

  answers.set(intents[1]!, { fee: 1, availableAt });
  const second = gatewayAnswering("stripe", answers);
  expect(await recordProviderFees(db, second.gateway, now)).toBe(1);
  // Only the one still missing is asked; what was posted is not asked again.
  expect(second.asked).toEqual([intents[1]]);
  expect(await balance(db, ownerAccount(campaign))).toBe(63 + 1 + 115);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("a platform on the simulated gateway asks no one for Stripe's fees, even for old Stripe payments", async () => {
  const { db } = database();
  const { campaign, intents } = await stripePayments(1);
  const simulated = gatewayAnswering("simulated", new Map([[intents[0]!, { fee: 50, availableAt }]]));
  expect(await recordProviderFees(db, simulated.gateway, now)).toBe(0);
  expect(simulated.asked).toEqual([]);
  expect(await stripeFeeRows(campaign)).toEqual([]);
});

test("two runs at once post each fee once and count it once", async () => {
  const { db } = database();
  const { campaign, intents } = await stripePayments(4);
  const answers = new Map(intents.map((intent, i) => [intent, { fee: 10 + i, availableAt }]));
  const [a, b] = await Promise.all([
    recordProviderFees(db, gatewayAnswering("stripe", answers).gateway, now),
    recordProviderFees(db, gatewayAnswering("stripe", answers).gateway, now),
  ]);
  expect(a + b).toBe(4);
  expect(await stripeFeeRows(campaign)).toHaveLength(4);
  expect(await balance(db, ownerAccount(campaign))).toBe(10 + 11 + 12 + 13);
});
