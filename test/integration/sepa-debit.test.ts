// SEPA Direct Debit through the real SDK against the local Stripe server: Checkout offers it beside
// cards, an off-session debit comes back `processing` and settles days later by webhook. Meanwhile the
// pledge counts and shows "payment in progress"; the backer hears of a failure only when it fails.
import Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { beginCheckout, captureAuthorisedPledges } from "~/checkout/checkout.server";
import { allowedPaymentMethods, createStripeGateway } from "~/payments/stripe.server";
import { handleStripeWebhook } from "~/checkout/webhooks.server";
import { campaignStatement } from "~/payouts/statement.server";
import {
  chargeKey,
  chargeSummary,
  dropUnpaidPledges,
  GRACE_PERIOD,
  runChargeRun,
} from "~/pledges/charging.server";
import { getPledgeView } from "~/pledges/pledge-view.server";
import { cancelPledge, getPledge } from "~/pledges/pledges.server";
import { createCampaign, createTier, pledgeRequest } from "../support/factories";
import { unbalancedTransactions } from "../support/ledger";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const webhookSecret = "whsec_test_sepa";
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  fake = await startStripeServer();
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

// The local server checks expires_at against the real clock, as Stripe does: run on real time.
const now = () => new Date();
const SUCCEEDS = "AT61 1904 3002 3457 3201";
const FAILS = "AT861904300235473202";

async function deliver(event: Stripe.Event) {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  return handleStripeWebhook({ db: database().db, gateway, webhookSecret }, payload, signature, now());
}

/** Delivers each event once; every one applies, but charge.succeeded (the PaymentIntent's event says it all). */
async function deliverAll(events: Stripe.Event[]) {
  for (const event of events) {
    expect((await deliver(event)).outcome, event.type).toBe(
      event.type === "charge.succeeded" ? "ignored" : "applied",
    );
  }
}

async function pledgeWithIban(fundingModel: "all_or_nothing" | "flexible", iban: string, amount = 4_000) {
  const { db } = database();
  const campaign = await createCampaign(db, {
    funding_model: fundingModel,
    deadline_at: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    goal_amount: 1_000,
  });
  const tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 10 });
  const { pledge } = await beginCheckout(
    { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
    pledgeRequest(campaign, amount, {
      tierId: tier,
      backerName: "Léa Martin",
      backerEmail: "lea@example.org",
    }),
    { slug: "atelier", title: "L'atelier", fundingModel },
    now(),
  );
  const events = fake.completeCheckoutWithIban(pledge.checkout_session_id!, iban);
  await deliverAll(events);
  return { campaign, tier, pledgeId: pledge.id, sessionId: pledge.checkout_session_id!, events };
}

/** The campaign met its goal and closed: its saved mandates are due a debit. */
async function succeed(campaignId: string) {
  await database()
    .db.updateTable("campaigns")
    .set({ status: "succeeded", deadline_at: new Date(Date.now() - 60_000).toISOString() })
    .where("id", "=", campaignId)
    .execute();
}

const run = () =>
  runChargeRun({ db: database().db, engine: database().engine, gateway, clock: now }, { rate: 100 });

async function totals(campaignId: string) {
  const { db } = database();
  const row = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  expect(await recomputeTotals(db, campaignId)).toEqual({
    pledged: row.pledged_amount,
    backers: row.backer_count,
  });
  return { pledged: row.pledged_amount, backers: row.backer_count };
}

async function emails(pledgeId: string, kind: string) {
  return database()
    .db.selectFrom("email_outbox")
    .select(["dedupe_key", "to_email"])
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", kind)
    .execute();
}

const intentsFor = (pledgeId: string) =>
  [...fake.paymentIntents.values()].filter((intent) => intent.metadata?.pledge_id === pledgeId);

test("Checkout offers SEPA Direct Debit beside cards for euro campaigns, cards alone otherwise", async () => {
  const { sessionId, pledgeId } = await pledgeWithIban("all_or_nothing", SUCCEEDS);
  const request = fake.requests.find(
    (r) => r.path === "/v1/checkout/sessions" && r.params.client_reference_id === pledgeId,
  );
  expect(request?.params).toMatchObject({
    mode: "setup",
    allowed_payment_method_types: ["card", "sepa_debit"],
  });
  expect(fake.sessions.get(sessionId)?.payment_method_types).toEqual(["card", "sepa_debit"]);
  expect(allowedPaymentMethods("CHF")).toEqual(["card"]);
  // The saved mandate is what the deadline debits.
  const pledge = await getPledge(database().db, pledgeId);
  expect(pledge).toMatchObject({ status: "committed", payment_processing_at: null });
  expect(pledge?.payment_method_id).toMatch(/^pm_/);
  // Stripe refuses a SEPA session in another currency.
  await expect(
    fake.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "chf",
      allowed_payment_method_types: ["card", "sepa_debit"],
      success_url: "https://x.example/ok",
    }),
  ).rejects.toThrow(/only supports eur/);
});

test("all-or-nothing: the debit comes back processing, counts, is charged once, and is collected when it settles", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await pledgeWithIban("all_or_nothing", SUCCEEDS, 4_000);
  await succeed(campaign);
  expect(await totals(campaign)).toEqual({ pledged: 4_000, backers: 1 });

  expect(await run()).toEqual({ charged: 0, processing: 1, failed: 0, errors: 0 });
  const processing = await getPledge(db, pledgeId);
  expect(processing).toMatchObject({ status: "committed", charge_attempts: 1, last_payment_error: null });
  expect(processing?.payment_processing_at).not.toBeNull();
  const [intent] = intentsFor(pledgeId);
  expect(intent).toMatchObject({ status: "processing", id: processing?.payment_intent_id });
  expect(fake.requests.find((r) => r.idempotencyKey === chargeKey(pledgeId, 1))?.params).toMatchObject({
    off_session: "true",
    confirm: "true",
  });
  // Counted, shown as in progress, never told it failed, not charged again, not dropped.
  expect(await totals(campaign)).toEqual({ pledged: 4_000, backers: 1 });
  expect((await getPledgeView(db, { pledgeId, locale: "fr", now: now() }))?.processing).toBe(true);
  expect(await emails(pledgeId, "payment_failed")).toEqual([]);
  expect(await chargeSummary(db, campaign)).toMatchObject({
    pending: { count: 0, amount: 0 },
    processing: { count: 1, amount: 4_000 },
    failed: { count: 0, amount: 0 },
  });
  expect(await run()).toEqual({ charged: 0, processing: 0, failed: 0, errors: 0 });
  expect(intentsFor(pledgeId)).toHaveLength(1);
  expect(await dropUnpaidPledges(db, new Date(Date.now() + 2 * GRACE_PERIOD))).toBe(0);
  expect(await cancelPledge(db, pledgeId, "backer", now())).toBe(false);

  // Days later the bank pays: payment_intent.succeeded collects it, with the ledger posting a card gets.
  const settled = fake.settleDebit(intent!.id);
  expect(settled.map((e) => e.type)).toEqual(["charge.succeeded", "payment_intent.succeeded"]);
  await deliverAll(settled);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected", payment_processing_at: null });
  expect((await campaignStatement(db, campaign, 500)).collected).toBe(4_000);
  expect(await unbalancedTransactions(db)).toEqual([]);
  expect(await emails(pledgeId, "payment_collected")).toHaveLength(1);
  expect(await emails(pledgeId, "payment_failed")).toEqual([]);
  expect(await totals(campaign)).toEqual({ pledged: 4_000, backers: 1 });
  // A repeated delivery changes nothing.
  for (const event of settled) expect((await deliver(event)).outcome).toBe("duplicate");
});

test("all-or-nothing: a debit that bounces fails only when it does, and only then is the backer emailed", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await pledgeWithIban("all_or_nothing", FAILS, 2_500);
  await succeed(campaign);
  expect(await run()).toEqual({ charged: 0, processing: 1, failed: 0, errors: 0 });
  const [intent] = intentsFor(pledgeId);
  // The processing notice, delivered by Stripe, changes nothing and tells nobody.
  await deliverAll([fake.event("payment_intent.processing", intent!)]);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "committed", payment_failed_at: null });
  expect(await emails(pledgeId, "payment_failed")).toEqual([]);

  const settled = fake.settleDebit(intent!.id);
  expect(settled.map((e) => e.type)).toEqual(["payment_intent.payment_failed"]);
  await deliverAll(settled);
  const failed = await getPledge(db, pledgeId);
  expect(failed).toMatchObject({ status: "payment_failed", payment_processing_at: null });
  expect(failed?.last_payment_error).toMatch(/insufficient funds/);
  expect(failed?.payment_failed_at).not.toBeNull();
  expect(await emails(pledgeId, "payment_failed")).toEqual([
    { dedupe_key: `payment-failed:${pledgeId}:1`, to_email: "lea@example.org" },
  ]);
  // Still counted while the backer can fix it, as for a declined card; the 7-day clock starts now.
  expect(await totals(campaign)).toEqual({ pledged: 2_500, backers: 1 });
  expect((await getPledgeView(db, { pledgeId, locale: "fr", now: now() }))?.fixable).toBe(true);
  expect(await dropUnpaidPledges(db, new Date(Date.now() + GRACE_PERIOD - 60_000))).toBe(0);
  expect(await dropUnpaidPledges(db, new Date(Date.now() + GRACE_PERIOD + 60_000))).toBe(1);
});

test("flexible: a debit cannot be held, so it is taken at checkout, counted while processing, collected once settled", async () => {
  const { db } = database();
  const { campaign, pledgeId, sessionId, events } = await pledgeWithIban("flexible", SUCCEEDS, 3_000);
  expect(events.map((e) => e.type)).toEqual(["checkout.session.completed", "payment_intent.processing"]);
  expect(fake.sessions.get(sessionId)?.payment_status).toBe("unpaid");
  const pledge = await getPledge(db, pledgeId);
  expect(pledge).toMatchObject({ status: "committed" });
  expect(pledge?.payment_processing_at).not.toBeNull();
  expect(await totals(campaign)).toEqual({ pledged: 3_000, backers: 1 });
  // Nothing to capture: the retry job leaves it alone instead of asking Stripe every minute.
  const captures = () => fake.requests.filter((r) => r.path.endsWith("/capture")).length;
  const before = captures();
  await captureAuthorisedPledges(db, gateway, now());
  expect(captures()).toBe(before);

  const settled = fake.settleDebit(pledge!.payment_intent_id!);
  expect(settled.map((e) => e.type)).toEqual([
    "charge.succeeded",
    "payment_intent.succeeded",
    "checkout.session.async_payment_succeeded",
  ]);
  await deliverAll(settled);
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "collected", payment_processing_at: null });
  expect((await campaignStatement(db, campaign, 500)).collected).toBe(3_000);
  expect(await emails(pledgeId, "payment_collected")).toHaveLength(1);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("flexible: a bounced debit fails the pledge as a declined card would, and tells the backer then", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await pledgeWithIban("flexible", FAILS, 2_000);
  expect(await emails(pledgeId, "payment_failed")).toEqual([]);
  const pledge = await getPledge(db, pledgeId);
  await deliverAll(fake.settleDebit(pledge!.payment_intent_id!));
  expect(await getPledge(db, pledgeId)).toMatchObject({
    status: "payment_failed",
    payment_processing_at: null,
  });
  expect(await emails(pledgeId, "payment_failed")).toHaveLength(1);
  expect(await totals(campaign)).toEqual({ pledged: 2_000, backers: 1 });
});

test("the local server refuses to hold a SEPA debit (manual capture) and hides it from a session held as a whole", async () => {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "payment",
    allowed_payment_method_types: ["card", "sepa_debit"],
    line_items: [
      { quantity: 1, price_data: { currency: "eur", unit_amount: 1_000, product_data: { name: "x" } } },
    ],
    payment_intent_data: { capture_method: "manual" },
    success_url: "https://x.example/ok",
  });
  expect(session.payment_method_types).toEqual(["card"]);
  expect(() => fake.completeCheckoutWithIban(session.id, SUCCEEDS)).toThrow(/does not offer sepa_debit/);
});
