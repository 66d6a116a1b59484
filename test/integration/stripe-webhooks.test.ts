// The Stripe gateway through the real SDK against the local Stripe-compatible server, and its
// webhooks signed the way Stripe signs them: checked, stored once, applied in any order.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { beginCheckout } from "~/checkout/checkout.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { handleStripeWebhook } from "~/checkout/webhooks.server";
import { getPledge } from "~/pledges/pledges.server";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { testContext } from "../support/context";
import { createCampaign, createTier } from "../support/factories";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { build } from "../support/stripe-types";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const webhookSecret = "whsec_test_tourdetable";
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
const inTenDays = () => new Date(Date.now() + 10 * 86_400_000).toISOString();

function sign(payload: string, timestamp?: number) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret, timestamp });
}

async function deliver(event: Stripe.Event | { id: string; type: string; data: { object: unknown } }) {
  const payload = JSON.stringify(event);
  return handleStripeWebhook({ db: database().db, gateway, webhookSecret }, payload, sign(payload), now());
}

async function pledgeFor(fundingModel: "all_or_nothing" | "flexible", { amount = 4_500, stock = 5 } = {}) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: fundingModel, deadline_at: inTenDays() });
  const tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: stock });
  const { pledge, url } = await beginCheckout(
    { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
    {
      campaignId: campaign,
      tierId: tier,
      amount,
      backerName: "Hugo Bernard",
      backerEmail: "hugo@example.org",
      comment: null,
      anonymous: false,
      locale: "fr",
      submissionKey: randomUUID(),
    },
    { slug: "atelier", title: "L'atelier", fundingModel },
    now(),
  );
  const sessionId = pledge.checkout_session_id!;
  return { campaign, tier, pledge, url, sessionId };
}

async function totals(campaignId: string) {
  const row = await database()
    .db.selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  expect(await recomputeTotals(database().db, campaignId)).toEqual({
    pledged: row.pledged_amount,
    backers: row.backer_count,
  });
  return { pledged: row.pledged_amount, backers: row.backer_count };
}

const requestsFor = (path: RegExp) => fake.requests.filter((r) => path.test(`${r.method} ${r.path}`));

test("all-or-nothing opens a setup-mode Checkout with a Customer, our pledge id and idempotency keys", async () => {
  const { pledge, url, sessionId } = await pledgeFor("all_or_nothing");
  expect(url).toBe(`${fake.url}/pay/${sessionId}`);
  const [customer] = requestsFor(/^POST \/v1\/customers$/).slice(-1);
  expect(customer).toMatchObject({
    idempotencyKey: `customer-pledge-${pledge.id}`,
    params: { email: "hugo@example.org", name: "Hugo Bernard", metadata: { pledge_id: pledge.id } },
  });
  const [session] = requestsFor(/^POST \/v1\/checkout\/sessions$/).slice(-1);
  expect(session?.idempotencyKey).toBe(`checkout-pledge-${pledge.id}`);
  expect(session?.params).toMatchObject({
    mode: "setup",
    currency: "eur",
    customer: fake.sessions.get(sessionId)?.customer,
    client_reference_id: pledge.id,
    metadata: { pledge_id: pledge.id, campaign_id: pledge.campaign_id },
    setup_intent_data: { metadata: { pledge_id: pledge.id } },
    success_url: expect.stringMatching(
      new RegExp(`^http://localhost:3000/pledges/${pledge.id}\\?token=[\\w-]+&thanks=1$`),
    ),
  });
  expect(session?.params.line_items).toBeUndefined();
  const expiresIn = Number(session?.params.expires_at) * 1000 - Date.now();
  expect(expiresIn).toBeGreaterThan(30 * 60_000);
  expect(expiresIn).toBeLessThan(32 * 60_000);
});

test("flexible opens a payment-mode Checkout in minor units, authorised only (manual capture)", async () => {
  const { pledge, campaign } = await pledgeFor("flexible", { amount: 4_550 });
  const [session] = requestsFor(/^POST \/v1\/checkout\/sessions$/).slice(-1);
  expect(session?.idempotencyKey).toBe(`checkout-pledge-${pledge.id}`);
  expect(session?.params).toMatchObject({
    mode: "payment",
    customer_email: "hugo@example.org",
    line_items: [
      {
        quantity: "1",
        price_data: { currency: "eur", unit_amount: "4550", product_data: { name: "L'atelier" } },
      },
    ],
    // Cards are held (authorised only); a SEPA debit cannot be, so the session's capture stays automatic.
    allowed_payment_method_types: ["card", "sepa_debit"],
    payment_method_options: { card: { capture_method: "manual" } },
    payment_intent_data: {
      metadata: { pledge_id: pledge.id },
      transfer_group: `campaign-${campaign}`,
    },
  });
  expect(session?.params.payment_intent_data).not.toHaveProperty("capture_method");
});

test("a completed setup checkout commits the pledge once, however often it is delivered", async () => {
  const { pledge, campaign, sessionId } = await pledgeFor("all_or_nothing");
  const events = fake.completeCheckout(sessionId);
  expect(events.map((e) => e.type)).toEqual(["checkout.session.completed", "setup_intent.succeeded"]);
  for (const event of events) expect((await deliver(event)).outcome).toBe("applied");
  for (const event of events) expect((await deliver(event)).outcome).toBe("duplicate");
  const row = await getPledge(database().db, pledge.id);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(sessionId)?.setup_intent));
  expect(row).toMatchObject({
    status: "committed",
    setup_intent_id: setupIntent?.id,
    payment_method_id: setupIntent?.payment_method,
    stripe_customer_id: setupIntent?.customer,
  });
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
});

test("two deliveries of one event at the same moment apply it once", async () => {
  const { campaign, sessionId } = await pledgeFor("all_or_nothing");
  const [completed] = fake.completeCheckout(sessionId);
  const outcomes = await Promise.all([deliver(completed!), deliver(completed!), deliver(completed!)]);
  expect(outcomes.map((o) => o.outcome).sort()).toEqual(["applied", "duplicate", "duplicate"]);
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
});

test("events in any order: the saved card arrives before the checkout's completion", async () => {
  const { pledge, campaign, sessionId } = await pledgeFor("all_or_nothing");
  const [completed, setupSucceeded] = fake.completeCheckout(sessionId);
  expect((await deliver(setupSucceeded!)).outcome).toBe("applied");
  expect((await deliver(completed!)).outcome).toBe("applied");
  expect(await getPledge(database().db, pledge.id)).toMatchObject({
    status: "committed",
    payment_method_id: expect.stringMatching(/^pm_/),
  });
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
});

test("flexible: completion captures the authorisation with its idempotency key and collects the pledge", async () => {
  const { pledge, campaign, sessionId } = await pledgeFor("flexible", { amount: 2_000 });
  const events = fake.completeCheckout(sessionId);
  expect(events.map((e) => e.type)).toEqual([
    "payment_intent.amount_capturable_updated",
    "checkout.session.completed",
  ]);
  for (const event of events) await deliver(event);
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  const captures = requestsFor(new RegExp(`^POST /v1/payment_intents/${paymentIntent}/capture$`));
  expect(captures.map((c) => c.idempotencyKey)).toEqual([`capture-pledge-${pledge.id}`]);
  expect(fake.paymentIntents.get(paymentIntent)?.status).toBe("succeeded");
  expect(await getPledge(database().db, pledge.id)).toMatchObject({
    status: "collected",
    payment_intent_id: paymentIntent,
  });
  expect(await totals(campaign)).toEqual({ pledged: 2_000, backers: 1 });
});

test("out of order: payment_intent.succeeded before checkout.session.completed counts the pledge once", async () => {
  const { pledge, campaign, sessionId } = await pledgeFor("flexible", { amount: 3_300 });
  const [capturable, completed] = fake.completeCheckout(sessionId);
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  const captured = await fake.stripe.paymentIntents.capture(paymentIntent);
  const succeeded = fake.event("payment_intent.succeeded", captured);
  expect((await deliver(succeeded)).outcome).toBe("applied");
  expect(await getPledge(database().db, pledge.id)).toMatchObject({ status: "collected" });
  await deliver(completed!);
  await deliver(capturable!);
  expect(await getPledge(database().db, pledge.id)).toMatchObject({ status: "collected" });
  expect(await totals(campaign)).toEqual({ pledged: 3_300, backers: 1 });
});

test("an expired checkout releases the reserved unit", async () => {
  const { db } = database();
  const { pledge, tier, sessionId } = await pledgeFor("all_or_nothing", { stock: 1 });
  const claimed = async () =>
    (
      await db
        .selectFrom("reward_tiers")
        .select("claimed_count")
        .where("id", "=", tier)
        .executeTakeFirstOrThrow()
    ).claimed_count;
  expect(await claimed()).toBe(1);
  const [expired] = fake.expireCheckout(sessionId);
  expect((await deliver(expired!)).outcome).toBe("applied");
  expect(await getPledge(db, pledge.id)).toMatchObject({ status: "expired", holds_stock: 0 });
  expect(await claimed()).toBe(0);
});

test("charge.refunded is reconciled from Stripe's cumulative amount_refunded", async () => {
  const { pledge, campaign, sessionId } = await pledgeFor("flexible", { amount: 10_000 });
  for (const event of fake.completeCheckout(sessionId)) await deliver(event);
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  await fake.stripe.refunds.create({ payment_intent: paymentIntent, amount: 4_000 });
  const chargeId = String(fake.paymentIntents.get(paymentIntent)?.latest_charge);
  await deliver(fake.event("charge.refunded", fake.charges.get(chargeId)!));
  expect(await totals(campaign)).toEqual({ pledged: 6_000, backers: 1 });
  await fake.stripe.refunds.create({ payment_intent: paymentIntent });
  await deliver(fake.event("charge.refunded", fake.charges.get(chargeId)!));
  expect(await getPledge(database().db, pledge.id)).toMatchObject({
    status: "refunded",
    refunded_amount: 10_000,
  });
  expect(await totals(campaign)).toEqual({ pledged: 0, backers: 0 });
});

test("an unknown event type is acknowledged and ignored", async () => {
  const event = fake.event("customer.created", build("customer", { id: "cus_x", metadata: {} }));
  expect(await deliver(event)).toEqual({ outcome: "ignored", eventId: event.id });
  const row = await database()
    .db.selectFrom("webhook_events")
    .selectAll()
    .where("id", "=", event.id)
    .executeTakeFirst();
  expect(row).toMatchObject({ type: "customer.created", outcome: "ignored" });
});

test("a bad or stale signature is a 400 through the route and records nothing", async () => {
  const { sessionId } = await pledgeFor("all_or_nothing");
  const [completed] = fake.completeCheckout(sessionId);
  const payload = JSON.stringify(completed);
  const context = testContext(database(), {
    gateway,
    config: { ...testContext(database()).config, STRIPE_WEBHOOK_SECRET: webhookSecret },
  });
  const post = async (signature: string, body = payload) =>
    (await webhookAction({
      request: new Request("http://localhost/webhooks/stripe", {
        method: "POST",
        headers: { "Stripe-Signature": signature },
        body,
      }),
      params: {},
      context,
    })) as Response;

  const wrongSecret = Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_someone_else" });
  expect((await post(wrongSecret)).status).toBe(400);
  const stale = sign(payload, Math.floor(Date.now() / 1000) - 10 * 60);
  expect((await post(stale)).status).toBe(400);
  const tampered = await post(sign(payload), payload.replace('"complete"', '"open"'));
  expect(tampered.status).toBe(400);
  expect((await post("")).status).toBe(400);
  const recorded = await database()
    .db.selectFrom("webhook_events")
    .select("id")
    .where("id", "=", completed!.id)
    .execute();
  expect(recorded).toEqual([]);

  const good = await post(sign(payload));
  expect(good.status).toBe(200);
  expect(await good.json()).toEqual({ received: true, outcome: "applied", eventId: completed!.id });
  const again = await post(sign(payload));
  expect(await again.json()).toEqual({ received: true, outcome: "duplicate", eventId: completed!.id });
});

test("a checkout the payment service cannot open leaves no pledge holding stock", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: inTenDays() });
  const tier = await createTier(db, campaign, { stock_limit: 1 });
  fake.failNext(/^POST \/v1\/checkout\/sessions$/, {
    status: 500,
    type: "api_error",
    message: "Stripe is down",
  });
  fake.failNext(/^POST \/v1\/checkout\/sessions$/, {
    status: 500,
    type: "api_error",
    message: "Stripe is down",
  });
  fake.failNext(/^POST \/v1\/checkout\/sessions$/, {
    status: 500,
    type: "api_error",
    message: "Stripe is down",
  });
  await expect(
    beginCheckout(
      { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
      {
        campaignId: campaign,
        tierId: tier,
        amount: 1_000,
        backerName: "Zoé",
        backerEmail: "zoe@example.org",
        comment: null,
        anonymous: false,
        locale: "fr",
        submissionKey: randomUUID(),
      },
      { slug: "x", title: "X", fundingModel: "all_or_nothing" },
      now(),
    ),
  ).rejects.toMatchObject({ code: "payment_unavailable", status: 503 });
  const claimed = await db
    .selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tier)
    .executeTakeFirstOrThrow();
  expect(claimed.claimed_count).toBe(0);
});
