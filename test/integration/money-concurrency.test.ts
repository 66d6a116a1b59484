// Issue #11, item 2: every money action fired many times at once, on a real database (SQLite and
// PostgreSQL), through the real gateways wrapped to count what they were asked. Each asks the gateway
// with one idempotency key and records its effect once: charge retry, card update, capture, payout
// approval, marking a bank payout paid, sending a Stripe payout, and reversals after a late refund.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import { settleAuthorisation } from "~/checkout/checkout.server";
import type { ConnectApi, PaymentGateway } from "~/payments/gateway";
import { completeSimulatedCheckout } from "~/checkout/simulated-checkout.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { payoutAccountOf, startOnboarding } from "~/payouts/accounts.server";
import { balance, ownerAccount } from "~/ledger/ledger.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import {
  approvePayout,
  getPayout,
  markBankPayoutPaid,
  reverseAfterPayouts,
  sendPayout,
} from "~/payouts/payouts.server";
import { chargeKey, chargePledgeNow, runChargeRun } from "~/pledges/charging.server";
import { getPledge } from "~/pledges/pledges.server";
import { refundPledge } from "~/pledges/refunds.server";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { collectedPledge, postedPlatformFee, unbalancedTransactions } from "../support/ledger";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const admin = { id: null, email: "admin@example.org" };
const N = 6;
let fake: FakeStripe;
let stripeGateway: PaymentGateway;

beforeAll(async () => {
  // Funds available at once (Stripe's 0077 test card): this file is about concurrency, not settlement.
  fake = await startStripeServer({ fundsPendingDays: 0 });
  stripeGateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

/** The real gateway, with the idempotency keys it was asked for charges, captures and transfers. */
function counting(gateway: PaymentGateway) {
  const keys = {
    charge: [] as string[],
    capture: [] as string[],
    transfer: [] as string[],
    reversal: [] as string[],
  };
  const connect: ConnectApi | undefined = gateway.connect && {
    ...gateway.connect,
    async transfer(request) {
      keys.transfer.push(request.idempotencyKey);
      return gateway.connect!.transfer(request);
    },
    async reverseTransfer(request) {
      keys.reversal.push(request.idempotencyKey);
      return gateway.connect!.reverseTransfer(request);
    },
  };
  const wrapped: PaymentGateway = {
    ...gateway,
    connect,
    async chargeSavedCard(request) {
      keys.charge.push(request.idempotencyKey);
      return gateway.chargeSavedCard(request);
    },
    async capturePayment(paymentIntentId, idempotencyKey) {
      keys.capture.push(idempotencyKey);
      return gateway.capturePayment(paymentIntentId, idempotencyKey);
    },
  };
  return { gateway: wrapped, keys };
}

async function postings(db: Kysely<Database>, kind: string, pledgeId: string) {
  const rows = await db
    .selectFrom("ledger_transactions")
    .select("id")
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", kind as never)
    .execute();
  return rows.length;
}

async function emails(db: Kysely<Database>, kind: string, pledgeId: string) {
  const rows = await db
    .selectFrom("email_outbox")
    .select("id")
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", kind)
    .execute();
  return rows.length;
}

const distinct = (keys: string[]) => [...new Set(keys)];

/** A pledge whose first charge failed and whose backer has just given a new card. */
async function failedPledgeOfSucceededCampaign() {
  const { db } = database();
  const campaign = await createCampaign(db, {
    status: "succeeded",
    deadline_at: "2026-11-01T22:59:59.999Z",
    goal_amount: 1_000,
    pledged_amount: 4_000,
    backer_count: 1,
  });
  const pledgeId = await createPledge(db, campaign, {
    amount: 4_000,
    status: "payment_failed",
    gateway: "simulated",
    stripe_customer_id: "sim_cus_x",
    payment_method_id: "sim_pm_card_chargeDeclined",
    charge_attempts: 1,
    payment_failed_at: "2026-11-02T10:00:00.000Z",
  });
  return { campaign, pledgeId };
}

test("a charge retried from many places at once charges once, with one key", async () => {
  const { db, engine } = database();
  const { pledgeId } = await failedPledgeOfSucceededCampaign();
  await db
    .updateTable("pledges")
    .set({ payment_method_id: "sim_pm_card_visa", retry_requested: 1 })
    .where("id", "=", pledgeId)
    .execute();
  const { gateway, keys } = counting(createSimulatedGateway(db));
  const deps = { db, engine, gateway, clock: () => new Date("2026-11-03T10:00:00.000Z") };
  await Promise.all([
    ...Array.from({ length: N }, () => chargePledgeNow(deps, pledgeId)),
    runChargeRun(deps, { rate: 1_000, workerId: "a" }),
    runChargeRun(deps, { rate: 1_000, workerId: "b" }),
  ]);
  expect(distinct(keys.charge)).toEqual([chargeKey(pledgeId, 2)]);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected", charge_attempts: 2 });
  const charges = await db
    .selectFrom("simulated_payments")
    .selectAll()
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", "charge")
    .execute();
  expect(charges).toHaveLength(1);
  expect(await postings(db, "collected", pledgeId)).toBe(1);
  expect(await emails(db, "payment_collected", pledgeId)).toBe(1);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("a new card given several times at once is retried once, with one key", async () => {
  const { db, engine } = database();
  const { pledgeId } = await failedPledgeOfSucceededCampaign();
  const at = new Date("2026-11-03T10:00:00.000Z");
  const outcomes = await Promise.all(
    Array.from({ length: N }, () =>
      completeSimulatedCheckout(db, { id: pledgeId, status: "payment_failed" }, "all_or_nothing", at),
    ),
  );
  expect(new Set(outcomes)).toEqual(new Set(["card_updated"]));
  expect(await getPledge(db, pledgeId)).toMatchObject({
    retry_requested: 1,
    payment_method_id: "sim_pm_card_visa",
  });
  const { gateway, keys } = counting(createSimulatedGateway(db));
  const deps = { db, engine, gateway, clock: () => at };
  await Promise.all(Array.from({ length: N }, () => chargePledgeNow(deps, pledgeId)));
  expect(keys.charge).toEqual([chargeKey(pledgeId, 2)]);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected", retry_requested: 0 });
  expect(await postings(db, "collected", pledgeId)).toBe(1);
});

test("a flexible authorisation captured by the webhook and the job at once is captured with one key and collected once", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, {
    funding_model: "flexible",
    pledged_amount: 3_000,
    backer_count: 1,
  });
  const pledgeId = await createPledge(db, campaign, {
    amount: 3_000,
    status: "committed",
    gateway: "simulated",
    payment_intent_id: "sim_pi_authorised",
  });
  const { gateway, keys } = counting(createSimulatedGateway(db));
  const now = new Date("2026-11-30T12:00:00.000Z");
  await Promise.all(Array.from({ length: N }, () => settleAuthorisation(db, gateway, pledgeId, now)));
  expect(distinct(keys.capture)).toEqual([`capture-pledge-${pledgeId}`]);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected" });
  expect(await postings(db, "collected", pledgeId)).toBe(1);
  expect(await emails(db, "payment_collected", pledgeId)).toBe(1);
  const row = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ pledged_amount: 3_000, backer_count: 1 });
});

test("a bank payout approved and marked paid by several admins at once is approved once and paid once", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  await collectedPledge(db, campaign, 10_000, new Date("2026-11-30T12:00:00.000Z"));
  await db
    .updateTable("campaigns")
    .set({ closed_at: "2026-12-01T00:00:00.000Z", status: "succeeded" })
    .where("id", "=", campaign)
    .execute();
  const gateway = createSimulatedGateway(db);
  const now = new Date("2026-12-01T10:00:00.000Z");
  // 100 € − 1,75 € card fee − 5 % platform fee (5 €) = 93,25 €.
  const due = 10_000 - 175 - 500;
  const approvals = await Promise.allSettled(
    Array.from({ length: N }, () =>
      approvePayout(
        { db, gateway, defaultFeeBps: 500 },
        { campaignId: campaign, expectedAmount: due, actor: admin },
        now,
      ),
    ),
  );
  const approved = approvals.filter((a) => a.status === "fulfilled");
  expect(approved).toHaveLength(1);
  for (const a of approvals)
    if (a.status === "rejected") expect(a.reason).toMatchObject({ code: "payout_in_flight", status: 409 });
  expect(await postedPlatformFee(db, campaign)).toBe(500);
  const payoutId = (approved[0] as PromiseFulfilledResult<{ id: string }>).value.id;
  const paid = await Promise.allSettled(
    Array.from({ length: N }, () =>
      markBankPayoutPaid(db, { payoutId, reference: "VIR-2026-12-01", actor: admin }, now),
    ),
  );
  expect(paid.filter((p) => p.status === "fulfilled")).toHaveLength(1);
  for (const p of paid) if (p.status === "rejected") expect(p.reason).toMatchObject({ code: "payout_state" });
  expect(await getPayout(db, payoutId)).toMatchObject({ status: "paid", amount: due });
  const payouts = await db
    .selectFrom("ledger_transactions")
    .select("id")
    .where("kind", "=", "payout")
    .where("campaign_id", "=", campaign)
    .execute();
  expect(payouts).toHaveLength(1);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

/** A succeeded campaign whose pledge was charged through the local Stripe server, its owner onboarded. */
async function stripeCampaign(amount: number) {
  const { db, engine } = database();
  const email = `owner-${Math.random().toString(36).slice(2, 10)}@example.org`;
  const owner = { id: await createUser(db, { email }), email };
  const now = new Date();
  await startOnboarding(
    { db, gateway: stripeGateway },
    owner,
    { refreshUrl: "http://localhost:3000/r", returnUrl: "http://localhost:3000/d" },
    now,
  );
  const account = (await payoutAccountOf(db, owner.id))!;
  for (const event of fake.completeOnboarding(account.accountId)) await applyStripeEvent(db, event, now);
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency: "eur",
    success_url: "https://x.example/ok",
  });
  fake.completeCheckout(session.id);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  const campaign = await createCampaign(db, {
    owner_id: owner.id,
    status: "succeeded",
    goal_amount: 1_000,
    deadline_at: "2026-11-01T22:59:59.999Z",
    pledged_amount: amount,
    backer_count: 1,
  });
  const pledgeId = await createPledge(db, campaign, {
    amount,
    status: "committed",
    gateway: "stripe",
    stripe_customer_id: String(setupIntent.customer),
    payment_method_id: String(setupIntent.payment_method),
  });
  await runChargeRun({ db, engine, gateway: stripeGateway, clock: () => now }, { rate: 100 });
  await recordProviderFees(db, stripeGateway, now);
  return { campaign, pledgeId };
}

test("a Stripe payout sent by several workers at once makes one transfer and is posted once; reversals too", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await stripeCampaign(20_000);
  const now = new Date();
  // The approval's own send fails on the network: the payout stays approved for the workers.
  const offline: PaymentGateway = {
    ...stripeGateway,
    connect: {
      ...stripeGateway.connect!,
      async transfer() {
        throw new Error("connect ETIMEDOUT");
      },
    },
  };
  const due = 20_000 - (Math.round((20_000 * 15) / 1000) + 25) - 1_000;
  await expect(
    approvePayout(
      { db, gateway: offline, defaultFeeBps: 500 },
      { campaignId: campaign, expectedAmount: due, actor: admin },
      now,
    ),
  ).rejects.toThrow("ETIMEDOUT");
  const [approved] = await db.selectFrom("payouts").selectAll().where("campaign_id", "=", campaign).execute();
  expect(approved).toMatchObject({ status: "approved", method: "stripe" });
  const { gateway, keys } = counting(stripeGateway);
  await Promise.all(Array.from({ length: N }, () => sendPayout({ db, gateway }, approved!.id, now)));
  expect(distinct(keys.transfer)).toEqual([`payout-${approved!.id}`]);
  const transfers = [...fake.transfers.values()].filter((t) => t.metadata?.payout_id === approved!.id);
  expect(transfers).toHaveLength(1);
  expect(transfers[0]!.amount).toBe(due);
  const payout = await getPayout(db, approved!.id);
  expect(payout).toMatchObject({ status: "sent", transfer_id: transfers[0]!.id });
  const posted = await db
    .selectFrom("ledger_transactions")
    .select("id")
    .where("kind", "=", "payout")
    .where("campaign_id", "=", campaign)
    .execute();
  expect(posted).toHaveLength(1);

  // A late refund: several reversal workers at once take back what the owner owes, once.
  await refundPledge({ db, gateway: stripeGateway }, { pledgeId, amount: 5_000, reason: "Late refund" }, now);
  const counts = await Promise.all(
    Array.from({ length: N }, () => reverseAfterPayouts({ db, gateway, defaultFeeBps: 500 }, now)),
  );
  expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  expect(distinct(keys.reversal)).toHaveLength(1);
  // 50 € refunded, less the 2,50 € of platform fee that follows the money back.
  expect(fake.transfers.get(transfers[0]!.id)!.amount_reversed).toBe(4_750);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  expect(await unbalancedTransactions(db)).toEqual([]);
});
