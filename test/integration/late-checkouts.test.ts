// Late checkout events (issue 12, item 6), through the real SDK against the local Stripe server:
// Stripe retries a webhook for days, so a checkout finished at minute 29 may be heard of at minute
// 40, after the 35-minute sweep. The sweep asks Stripe first; a completion that still comes late is
// counted when it can be, else its money is released or refunded and the backer told why.
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { closeCampaignsDue } from "~/campaigns/closing.server";
import { beginCheckout, releaseLatePayments, sweepAbandonedCheckouts } from "~/checkout/checkout.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { handleStripeWebhook } from "~/checkout/webhooks.server";
import { expirePledge, getPledge } from "~/pledges/pledges.server";
import { createCampaign, createTier, pledgeRequest } from "../support/factories";
import { startStripeServer, type FakeStripe, type StripeErrorSpec } from "../support/stripe-server";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const webhookSecret = "whsec_test_late";
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  fake = await startStripeServer();
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterEach(() => fake.setTime(null));
afterAll(async () => {
  await fake?.close();
});

/** Each test's own minute 0, in whole seconds; the app and the local Stripe share the timeline. */
function timeline() {
  const start = Math.floor(Date.now() / 1000);
  const at = (minute: number) => new Date((start + minute * 60) * 1000);
  const stripeAt = (minute: number) => fake.setTime(start + minute * 60);
  return { at, stripeAt };
}

/** Delivers an event (again) as Stripe retries it: same event, signed for this attempt. */
async function deliver(event: Stripe.Event, now: Date) {
  const { payload, signature } = fake.redeliver(event, webhookSecret);
  return handleStripeWebhook({ db: database().db, gateway, webhookSecret }, payload, signature, now);
}

async function pledgeAt(
  now: Date,
  fundingModel: "all_or_nothing" | "flexible",
  { campaign, tier, amount = 4_500 }: { campaign?: string; tier?: string | null; amount?: number } = {},
) {
  const { db } = database();
  campaign ??= await createCampaign(db, {
    funding_model: fundingModel,
    deadline_at: new Date(now.getTime() + 10 * 86_400_000).toISOString(),
  });
  if (tier === undefined) tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 5 });
  const { pledge } = await beginCheckout(
    { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
    pledgeRequest(campaign, amount, {
      tierId: tier,
      backerName: "Inès Moreau",
      backerEmail: `${randomUUID()}@example.org`,
      locale: "en",
    }),
    { slug: "atelier", title: "L'atelier", fundingModel },
    now,
  );
  return { campaign, tier, pledge, sessionId: pledge.checkout_session_id! };
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

async function claimed(tierId: string) {
  const row = await database()
    .db.selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tierId)
    .executeTakeFirstOrThrow();
  return row.claimed_count;
}

async function emailsOf(pledgeId: string) {
  const rows = await database()
    .db.selectFrom("email_outbox")
    .select(["kind", "locale", "props"])
    .where("pledge_id", "=", pledgeId)
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    locale: r.locale,
    props: JSON.parse(r.props) as Record<string, unknown>,
  }));
}

const requestsFor = (path: RegExp) => fake.requests.filter((r) => path.test(`${r.method} ${r.path}`));

const stripeDown = { status: 500, type: "api_error", message: "Stripe is down" } satisfies StripeErrorSpec;

test("a session completed at minute 29 whose event arrives at minute 40 is counted: the sweep could not reach Stripe and left it pending", async () => {
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const { pledge, campaign, tier, sessionId } = await pledgeAt(at(0), "all_or_nothing");
  stripeAt(29);
  const held = fake.completeCheckout(sessionId);
  // The SDK retries twice: three failures are one unreachable Stripe for the sweep at minute 36.
  for (let i = 0; i < 3; i++)
    fake.failNext(new RegExp(`^GET /v1/checkout/sessions/${sessionId}$`), stripeDown);
  expect(await sweepAbandonedCheckouts(database().db, gateway, at(36))).toBe(0);
  expect(await getPledge(database().db, pledge.id)).toMatchObject({ status: "pending", holds_stock: 1 });

  for (const event of held) expect((await deliver(event, at(40))).outcome).toBe("applied");
  expect(await getPledge(database().db, pledge.id)).toMatchObject({
    status: "committed",
    payment_method_id: expect.stringMatching(/^pm_/),
  });
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
  expect(await claimed(tier!)).toBe(1);
});

test("a completion heard of after its pledge expired is reconciled and counted once, however often and in whatever order it arrives", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const { pledge, campaign, tier, sessionId } = await pledgeAt(at(0), "all_or_nothing");
  stripeAt(29);
  const [completed, setupSucceeded] = fake.completeCheckout(sessionId);
  // Expired without asking Stripe, as the sweep did before (pledges expired that way before this
  // release may still hear from Stripe for three days): the unit went back on sale.
  expect(await expirePledge(db, pledge.id, "abandoned", at(36))).toBe(true);
  expect(await claimed(tier!)).toBe(0);

  // The saved card's event comes first, then the session's, at once; then both again.
  const outcomes = await Promise.all([deliver(setupSucceeded!, at(40)), deliver(completed!, at(40))]);
  expect(outcomes.map((o) => o.outcome)).toEqual(["applied", "applied"]);
  expect((await deliver(completed!, at(41))).outcome).toBe("duplicate");
  expect((await deliver(setupSucceeded!, at(41))).outcome).toBe("duplicate");

  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(sessionId)?.setup_intent));
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "committed",
    cancel_reason: null,
    canceled_at: null,
    holds_stock: 1,
    setup_intent_id: setupIntent?.id,
    payment_method_id: setupIntent?.payment_method,
  });
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
  expect(await claimed(tier!)).toBe(1);
  expect((await emailsOf(pledge.id)).map((e) => e.kind)).toEqual(["pledge_confirmation"]);
});

test("the sweep asks Stripe before expiring: a session found complete is counted with its saved card", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const { pledge, campaign, sessionId } = await pledgeAt(at(0), "all_or_nothing");
  stripeAt(29);
  const held = fake.completeCheckout(sessionId);
  stripeAt(36);
  expect(await sweepAbandonedCheckouts(db, gateway, at(36))).toBeGreaterThanOrEqual(1);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(sessionId)?.setup_intent));
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "committed",
    stripe_customer_id: setupIntent?.customer,
    setup_intent_id: setupIntent?.id,
    payment_method_id: setupIntent?.payment_method,
  });
  expect(requestsFor(new RegExp(`^POST /v1/checkout/sessions/${sessionId}/expire$`))).toEqual([]);
  // The webhooks still come, late: they change nothing.
  for (const event of held) expect((await deliver(event, at(40))).outcome).toBe("applied");
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
});

test("the sweep finds a flexible session complete: the authorisation is counted and captured", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const { pledge, campaign, sessionId } = await pledgeAt(at(0), "flexible", { amount: 3_000 });
  stripeAt(29);
  fake.completeCheckout(sessionId);
  stripeAt(36);
  await sweepAbandonedCheckouts(db, gateway, at(36));
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  expect(fake.paymentIntents.get(paymentIntent)?.status).toBe("succeeded");
  expect(
    requestsFor(new RegExp(`^POST /v1/payment_intents/${paymentIntent}/capture$`)).map(
      (r) => r.idempotencyKey,
    ),
  ).toEqual([`capture-pledge-${pledge.id}`]);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "collected",
    payment_intent_id: paymentIntent,
  });
  expect(await totals(campaign)).toEqual({ pledged: 3_000, backers: 1 });
});

test("the sweep expires a session still open at Stripe before giving its unit back", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const { pledge, tier, sessionId } = await pledgeAt(at(0), "all_or_nothing");
  // Past expires_at (minute 31) Stripe's page takes no payment, though its expiry has not run yet.
  stripeAt(32);
  expect(() => fake.completeCheckout(sessionId)).toThrow(/expires_at/);
  stripeAt(36);
  expect(fake.sessions.get(sessionId)?.status).toBe("open");
  expect(await sweepAbandonedCheckouts(db, gateway, at(36))).toBeGreaterThanOrEqual(1);
  expect(requestsFor(new RegExp(`^POST /v1/checkout/sessions/${sessionId}/expire$`))).toHaveLength(1);
  expect(fake.sessions.get(sessionId)?.status).toBe("expired");
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "abandoned",
    holds_stock: 0,
  });
  expect(await claimed(tier!)).toBe(0);
});

test("an expired session's pledge is expired; a sweep that cannot expire an open session leaves it pending", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const expired = await pledgeAt(at(0), "all_or_nothing");
  const open = await pledgeAt(at(0), "all_or_nothing");
  stripeAt(33);
  fake.expireCheckout(expired.sessionId);
  for (let i = 0; i < 3; i++)
    fake.failNext(new RegExp(`^POST /v1/checkout/sessions/${open.sessionId}/expire$`), stripeDown);
  await sweepAbandonedCheckouts(db, gateway, at(36));
  expect(await getPledge(db, expired.pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "abandoned",
  });
  expect(await getPledge(db, open.pledge.id)).toMatchObject({ status: "pending", holds_stock: 1 });
  // The next sweep reaches Stripe.
  await sweepAbandonedCheckouts(db, gateway, at(37));
  expect(await getPledge(db, open.pledge.id)).toMatchObject({ status: "expired", holds_stock: 0 });
  expect(fake.sessions.get(open.sessionId)?.status).toBe("expired");
});

test("a late completion for a campaign closed meanwhile releases the authorisation and tells the backer, once", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const campaign = await createCampaign(db, { funding_model: "flexible", deadline_at: at(25).toISOString() });
  const { pledge, sessionId } = await pledgeAt(at(0), "flexible", { campaign, tier: null, amount: 2_500 });
  stripeAt(24);
  const held = fake.completeCheckout(sessionId);
  // The close at minute 25 expires the checkouts still pending; the events arrive at minute 40.
  await closeCampaignsDue(db, at(25));
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "after_deadline",
  });

  for (const event of held) expect((await deliver(event, at(40))).outcome).toBe("applied");
  for (const event of held) expect((await deliver(event, at(41))).outcome).toBe("duplicate");
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  expect(fake.paymentIntents.get(paymentIntent)?.status).toBe("canceled");
  expect(
    requestsFor(new RegExp(`^POST /v1/payment_intents/${paymentIntent}/cancel$`)).map(
      (r) => r.idempotencyKey,
    ),
  ).toEqual([`release-pledge-${pledge.id}`]);
  expect(requestsFor(new RegExp(`^POST /v1/payment_intents/${paymentIntent}/capture$`))).toEqual([]);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "late_campaign_closed",
    payment_intent_id: paymentIntent,
    late_release: "cancel_authorisation",
    late_released_at: at(40).toISOString(),
  });
  expect(await totals(campaign)).toEqual({ pledged: 0, backers: 0 });
  expect(await emailsOf(pledge.id)).toEqual([
    {
      kind: "late_checkout_refused",
      locale: "en",
      props: expect.objectContaining({ amount: 2_500, reason: "campaign_closed", payment: "released" }),
    },
  ]);
});

test("a late completion whose reward sold out meanwhile is not counted, the card not kept, the backer told", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const campaign = await createCampaign(db, {
    funding_model: "all_or_nothing",
    deadline_at: at(10 * 24 * 60).toISOString(),
  });
  const tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 1 });
  const late = await pledgeAt(at(0), "all_or_nothing", { campaign, tier });
  stripeAt(29);
  const held = fake.completeCheckout(late.sessionId);
  expect(await expirePledge(db, late.pledge.id, "abandoned", at(36))).toBe(true);
  // Someone else takes the last unit, back on sale, before the late events arrive.
  stripeAt(37);
  const other = await pledgeAt(at(37), "all_or_nothing", { campaign, tier });
  stripeAt(38);
  for (const event of fake.completeCheckout(other.sessionId)) await deliver(event, at(38));

  for (const event of held) expect((await deliver(event, at(40))).outcome).toBe("applied");
  expect(await getPledge(db, late.pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "late_sold_out",
    late_release: null,
    holds_stock: 0,
  });
  expect(await getPledge(db, other.pledge.id)).toMatchObject({ status: "committed", holds_stock: 1 });
  expect(await claimed(tier)).toBe(1);
  expect(await totals(campaign)).toEqual({ pledged: 4_500, backers: 1 });
  expect(await emailsOf(late.pledge.id)).toEqual([
    {
      kind: "late_checkout_refused",
      locale: "en",
      props: expect.objectContaining({ reason: "sold_out", payment: "card_not_kept" }),
    },
  ]);
});

test("a late payment taken at once is refunded in full when it cannot count, and a gateway outage is finished by the job", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const campaign = await createCampaign(db, { funding_model: "flexible", deadline_at: at(25).toISOString() });
  const { pledge } = await pledgeAt(at(0), "flexible", { campaign, tier: null, amount: 6_000 });
  // A session that charges at once (automatic capture), as a payment method without authorisations would.
  const paid = await fake.stripe.checkout.sessions.create({
    mode: "payment",
    success_url: "http://localhost:3000/done",
    expires_at: Math.floor(at(31).getTime() / 1000),
    metadata: { pledge_id: pledge.id, campaign_id: campaign },
    line_items: [
      {
        quantity: 1,
        price_data: { currency: "eur", unit_amount: 6_000, product_data: { name: "L'atelier" } },
      },
    ],
    payment_intent_data: { metadata: { pledge_id: pledge.id } },
  });
  stripeAt(24);
  const held = fake.completeCheckout(paid.id);
  await closeCampaignsDue(db, at(25));

  const completed = held.find((e) => e.type === "checkout.session.completed")!;
  for (let i = 0; i < 3; i++) fake.failNext(/^POST \/v1\/refunds$/, stripeDown);
  expect((await deliver(completed, at(40))).outcome).toBe("applied");
  const paymentIntent = String(fake.sessions.get(paid.id)?.payment_intent);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "late_campaign_closed",
    late_release: "refund",
    late_released_at: null,
  });
  expect([...fake.refunds.values()].filter((r) => r.payment_intent === paymentIntent)).toEqual([]);

  expect(await releaseLatePayments(db, gateway, at(41))).toBeGreaterThanOrEqual(1);
  const refunds = [...fake.refunds.values()].filter((r) => r.payment_intent === paymentIntent);
  expect(refunds.map((r) => r.amount)).toEqual([6_000]);
  expect(requestsFor(/^POST \/v1\/refunds$/).at(-1)?.idempotencyKey).toBe(`late-refund-pledge-${pledge.id}`);
  expect(await getPledge(db, pledge.id)).toMatchObject({ late_released_at: at(41).toISOString() });
  expect(await releaseLatePayments(db, gateway, at(42))).toBe(0);
  expect(await totals(campaign)).toEqual({ pledged: 0, backers: 0 });
  expect((await emailsOf(pledge.id)).map((e) => [e.kind, e.props.payment])).toEqual([
    ["late_checkout_refused", "refunded"],
  ]);
});

test("a late release whose authorisation Stripe already cancelled is done, not asked again every minute", async () => {
  const { db } = database();
  const { at, stripeAt } = timeline();
  stripeAt(0);
  const campaign = await createCampaign(db, { funding_model: "flexible", deadline_at: at(25).toISOString() });
  const { pledge, sessionId } = await pledgeAt(at(0), "flexible", { campaign, tier: null, amount: 2_000 });
  stripeAt(24);
  const held = fake.completeCheckout(sessionId);
  await closeCampaignsDue(db, at(25));
  // The authorisation lapsed (Stripe cancels an uncaptured one after its hold) before the event came.
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  await fake.stripe.paymentIntents.cancel(paymentIntent);
  for (const event of held) await deliver(event, at(40));
  expect(await getPledge(db, pledge.id)).toMatchObject({
    cancel_reason: "late_campaign_closed",
    late_release: "cancel_authorisation",
    late_released_at: at(40).toISOString(),
  });
  expect(await releaseLatePayments(db, gateway, at(41))).toBe(0);
});
