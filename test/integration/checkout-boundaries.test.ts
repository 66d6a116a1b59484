// The rules of app/checkout/checkout.server.ts at their edges, through the real Stripe SDK against the
// local Stripe server: a repeated form, a checkout that cannot open, which pledges an authorisation is
// settled for (and which not), the sweep's answers for each state a session can be in, the capture job
// and the card update's checkout (issue #11 item 15: the survivors of the mutation run).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  beginCardUpdate,
  beginCheckout,
  captureAuthorisedPledges,
  repeatedCheckout,
  settleAuthorisation,
  sweepAbandonedCheckouts,
} from "~/checkout/checkout.server";
import {
  completeSimulatedCheckout,
  findSimulatedCheckout,
  loadSimulatedCheckout,
  settleSimulatedDebits,
} from "~/checkout/simulated-checkout.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { createSimulatedGateway, SEPA_SETTLEMENT_DELAY } from "~/payments/simulated.server";
import { runChargeRun } from "~/pledges/charging.server";
import type { PaymentGateway } from "~/payments/gateway";
import { createStripeGateway } from "~/payments/stripe.server";
import { commitPledge, expirePledge, getPledge } from "~/pledges/pledges.server";
import { createCampaign, createPledge, pledgeRequest } from "../support/factories";
import { startStripeServer, type FakeStripe, type StripeErrorSpec } from "../support/stripe-server";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
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
const MINUTE = 60_000;
const later = (minutes: number) => new Date(Date.now() + minutes * MINUTE);
const deps = () => ({
  db: database().db,
  gateway,
  publicUrl: "http://localhost:3000",
  secret: "s".repeat(40),
});
const stripeDown = { status: 500, type: "api_error", message: "Stripe is down" } satisfies StripeErrorSpec;
const requestsFor = (path: RegExp) => fake.requests.filter((r) => path.test(`${r.method} ${r.path}`));
/** Every request the local Stripe server received about these ids (in its path or its parameters). */
const requestsAbout = (...ids: string[]) =>
  fake.requests.filter((r) => ids.some((id) => `${r.path} ${JSON.stringify(r.params)}`.includes(id)));

async function checkout(
  fundingModel: "all_or_nothing" | "flexible",
  { amount = 4_500, deadline = later(10 * 24 * 60), submissionKey = randomUUID() } = {},
) {
  const { db } = database();
  const campaign = await createCampaign(db, {
    funding_model: fundingModel,
    deadline_at: deadline.toISOString(),
  });
  const request = pledgeRequest(campaign, amount, { submissionKey });
  const { gateway: _simulated, ...rest } = request;
  const started = await beginCheckout(
    deps(),
    rest,
    { slug: "atelier", title: "L'atelier", fundingModel },
    new Date(),
  );
  return { campaign, request: rest, ...started, sessionId: started.pledge.checkout_session_id! };
}

/** Applies Stripe's events for a finished checkout without settling anything (as the webhook's transaction does). */
async function completeWithoutSettling(sessionId: string) {
  for (const event of fake.completeCheckout(sessionId))
    await applyStripeEvent(database().db, event, new Date());
}

/** A payment-mode session that charges at once (automatic capture): Stripe reports it `paid`. */
async function paidSessionFor(pledgeId: string, campaign: string, amount: number) {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "payment",
    success_url: "http://localhost:3000/done",
    expires_at: Math.floor(later(31).getTime() / 1000),
    metadata: { pledge_id: pledgeId, campaign_id: campaign },
    line_items: [
      { quantity: 1, price_data: { currency: "eur", unit_amount: amount, product_data: { name: "X" } } },
    ],
    payment_intent_data: { metadata: { pledge_id: pledgeId } },
  });
  await database()
    .db.updateTable("pledges")
    .set({ checkout_session_id: session.id })
    .where("id", "=", pledgeId)
    .execute();
  fake.completeCheckout(session.id);
  return session.id;
}

/** Puts a pending pledge past its hold, so the next sweep looks at it. */
async function pastItsHold(pledgeId: string) {
  await database()
    .db.updateTable("pledges")
    .set({ checkout_expires_at: later(-1).toISOString() })
    .where("id", "=", pledgeId)
    .execute();
}

test("a repeated form gets its pledge's checkout back; a key this site did not make is a new form", async () => {
  const { db } = database();
  const submissionKey = randomUUID();
  const first = await checkout("all_or_nothing", { submissionKey });
  expect(await repeatedCheckout(db, { campaignId: first.campaign, submissionKey })).toBe(first.url);
  const again = await beginCheckout(
    deps(),
    first.request,
    { slug: "atelier", title: "L'atelier", fundingModel: "all_or_nothing" },
    new Date(),
  );
  expect(again).toMatchObject({ url: first.url, pledge: { id: first.pledge.id, checkout_url: first.url } });
  expect(
    requestsFor(/^POST \/v1\/checkout\/sessions$/).filter(
      (r) => r.params.client_reference_id === first.pledge.id,
    ),
  ).toHaveLength(1);

  // A pledge whose key is not one of ours (written by hand, or by an older form): never found by it.
  await createPledge(db, first.campaign, {
    submission_key: "not-a-uuid",
    checkout_url: "http://x.example/pay",
  });
  expect(await repeatedCheckout(db, { campaignId: first.campaign, submissionKey: "not-a-uuid" })).toBeNull();
});

test("the checkout sends the backer back to the campaign's pledge page, naming the pledge left", async () => {
  const { pledge } = await checkout("flexible");
  const [session] = requestsFor(/^POST \/v1\/checkout\/sessions$/).slice(-1);
  expect(session?.params.cancel_url).toBe(
    `http://localhost:3000/campaigns/atelier/pledge?canceled=${pledge.id}`,
  );
});

test("a checkout the payment service cannot open expires its pledge as abandoned", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: later(60).toISOString() });
  for (let i = 0; i < 3; i++) fake.failNext(/^POST \/v1\/checkout\/sessions$/, stripeDown);
  const request = pledgeRequest(campaign, 1_000);
  const { gateway: _simulated, ...rest } = request;
  await expect(
    beginCheckout(deps(), rest, { slug: "x", title: "X", fundingModel: "all_or_nothing" }, new Date()),
  ).rejects.toMatchObject({ code: "payment_unavailable", status: 503 });
  const pledge = await db
    .selectFrom("pledges")
    .selectAll()
    .where("submission_key", "=", request.submissionKey)
    .executeTakeFirstOrThrow();
  expect(pledge).toMatchObject({ status: "expired", cancel_reason: "abandoned", holds_stock: 0 });
});

test("an authorisation is settled only for a pledge of this gateway that holds a payment", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  const before = fake.requests.length;
  // No such pledge: nothing to do, no crash.
  await settleAuthorisation(db, gateway, randomUUID(), new Date());
  // The simulated gateway's payment: never Stripe's to capture.
  const simulated = await createPledge(db, campaign, {
    gateway: "simulated",
    payment_intent_id: "sim_pi_elsewhere",
  });
  await settleAuthorisation(db, gateway, simulated, new Date());
  // A Stripe pledge with no payment yet (its checkout not finished): nothing to capture.
  const unpaid = await createPledge(db, campaign, { gateway: "stripe", payment_intent_id: null });
  await settleAuthorisation(db, gateway, unpaid, new Date());
  expect(fake.requests.length).toBe(before);
  expect(await getPledge(db, simulated)).toMatchObject({ status: "committed" });
  expect(await getPledge(db, unpaid)).toMatchObject({ status: "committed" });
});

test("an all-or-nothing pledge's payment is never captured at settlement, nor an expired pledge's released unless it was refused late", async () => {
  const { db } = database();
  const allOrNothing = await createCampaign(db, { funding_model: "all_or_nothing" });
  const charged = await createPledge(db, allOrNothing, {
    gateway: "stripe",
    payment_intent_id: `pi_aon_${randomUUID()}`,
  });
  const flexible = await createCampaign(db, { funding_model: "flexible" });
  const expired = await createPledge(db, flexible, {
    gateway: "stripe",
    status: "expired",
    cancel_reason: "abandoned",
    payment_intent_id: `pi_expired_${randomUUID()}`,
  });
  const released = await createPledge(db, flexible, {
    gateway: "stripe",
    status: "expired",
    cancel_reason: "late_campaign_closed",
    late_release: "cancel_authorisation",
    late_released_at: new Date().toISOString(),
    payment_intent_id: `pi_released_${randomUUID()}`,
  });
  for (const id of [charged, expired, released]) await settleAuthorisation(db, gateway, id, new Date());
  const ids = await Promise.all([charged, expired, released].map(async (id) => (await getPledge(db, id))!));
  expect(requestsAbout(...ids.map((p) => p.payment_intent_id!))).toEqual([]);
  expect(ids.map((p) => p.status)).toEqual(["committed", "expired", "expired"]);
});

test("a flexible pledge's authorisation is captured once it counts, and the pledge collected", async () => {
  const { db } = database();
  const { pledge, sessionId } = await checkout("flexible", { amount: 2_000 });
  await completeWithoutSettling(sessionId);
  expect(await getPledge(db, pledge.id)).toMatchObject({ status: "committed" });
  await settleAuthorisation(db, gateway, pledge.id, new Date());
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  expect(requestsAbout(paymentIntent).map((r) => `${r.method} ${r.path}`)).toEqual([
    `POST /v1/payment_intents/${paymentIntent}/capture`,
  ]);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "collected",
    payment_intent_id: paymentIntent,
  });
});

test("the capture job captures committed flexible authorisations of its gateway", async () => {
  const { db } = database();
  const { pledge, sessionId } = await checkout("flexible", { amount: 3_000 });
  await completeWithoutSettling(sessionId);
  expect(await captureAuthorisedPledges(db, gateway, new Date())).toBeGreaterThanOrEqual(1);
  const paymentIntent = String(fake.sessions.get(sessionId)?.payment_intent);
  expect(fake.paymentIntents.get(paymentIntent)?.status).toBe("succeeded");
  expect(await getPledge(db, pledge.id)).toMatchObject({ status: "collected" });
  expect(await captureAuthorisedPledges(db, gateway, new Date())).toBe(0);
});

test("a late payment taken at once is refunded in full under the pledge's own refund id, saying why", async () => {
  const { db } = database();
  const { pledge, campaign } = await checkout("flexible", { amount: 6_000, deadline: later(1) });
  await paidSessionFor(pledge.id, campaign, 6_000);
  await pastItsHold(pledge.id);
  // The sweep finds the checkout complete and paid after the deadline, before the close ran.
  await sweepAbandonedCheckouts(db, gateway, later(40));
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "late_campaign_closed",
    late_release: "refund",
    late_released_at: expect.any(String),
  });
  const [refund] = requestsFor(/^POST \/v1\/refunds$/).slice(-1);
  expect(refund).toMatchObject({
    idempotencyKey: `late-refund-pledge-${pledge.id}`,
    params: {
      amount: "6000",
      metadata: {
        pledge_id: pledge.id,
        refund_id: `late-${pledge.id}`,
        reason: "The checkout completed after the pledge had expired and could not be counted.",
      },
    },
  });
});

test("the sweep counts a checkout it finds paid as collected at once, without a capture", async () => {
  const { db } = database();
  const { pledge, campaign } = await checkout("flexible", { amount: 2_500 });
  const session = await paidSessionFor(pledge.id, campaign, 2_500);
  await pastItsHold(pledge.id);
  await sweepAbandonedCheckouts(db, gateway, later(40));
  const paymentIntent = String(fake.sessions.get(session)?.payment_intent);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "collected",
    payment_intent_id: paymentIntent,
  });
  expect(requestsFor(/\/capture$/).filter((r) => r.path.includes(paymentIntent))).toEqual([]);
});

test("the sweep expires, without asking Stripe, a pledge whose checkout never opened or belongs to another gateway", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const pending = {
    status: "pending" as const,
    committed_at: null,
    checkout_expires_at: later(-1).toISOString(),
  };
  const neverOpened = await createPledge(db, campaign, {
    ...pending,
    gateway: "stripe",
    checkout_session_id: null,
  });
  const simulated = await createPledge(db, campaign, {
    ...pending,
    gateway: "simulated",
    checkout_session_id: "sim_cs_x",
  });
  const before = fake.requests.length;
  expect(await sweepAbandonedCheckouts(db, gateway, new Date())).toBeGreaterThanOrEqual(2);
  expect(fake.requests.length).toBe(before);
  for (const id of [neverOpened, simulated])
    expect(await getPledge(db, id)).toMatchObject({ status: "expired", cancel_reason: "abandoned" });
});

test("a session still open after the sweep asked Stripe to expire it stays pending, counted by no one", async () => {
  const { db } = database();
  const { pledge, campaign } = await checkout("all_or_nothing");
  await pastItsHold(pledge.id);
  // Stripe accepted the expiry but the session still reads open (it is being paid right now).
  const stubborn: PaymentGateway = { ...gateway, expireCheckout: async () => {} };
  expect(await sweepAbandonedCheckouts(db, stubborn, new Date())).toBe(0);
  expect(await getPledge(db, pledge.id)).toMatchObject({ status: "pending", committed_at: null });
  const totals = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(totals).toEqual({ pledged_amount: 0, backer_count: 0 });
  await expirePledge(db, pledge.id, "abandoned", new Date());
});

test("a card update opens a setup-mode checkout of its own, keyed by the attempt, expiring with the session's life", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "all_or_nothing" });
  const pledgeId = await createPledge(db, campaign, {
    gateway: "stripe",
    status: "payment_failed",
    charge_attempts: 1,
  });
  const pledge = (await getPledge(db, pledgeId))!;
  const url = await beginCardUpdate(deps(), pledge, { slug: "atelier", title: "L'atelier" }, new Date());
  const [session] = requestsFor(/^POST \/v1\/checkout\/sessions$/).slice(-1);
  expect(session).toMatchObject({
    idempotencyKey: `card-update-pledge-${pledgeId}-1`,
    params: { mode: "setup", client_reference_id: pledgeId, metadata: { pledge_id: pledgeId } },
  });
  const expiresIn = Number(session?.params.expires_at) * 1000 - Date.now();
  expect(expiresIn).toBeGreaterThan(30 * MINUTE);
  expect(expiresIn).toBeLessThan(32 * MINUTE);
  const updated = (await getPledge(db, pledgeId))!;
  expect(updated).toMatchObject({ checkout_url: url, status: "payment_failed" });
  expect(url).toBe(`${fake.url}/pay/${updated.checkout_session_id}`);
});

// --- the simulated checkout (simulated-checkout.server.ts) -----------------------------------------

async function simulatedCheckout(fundingModel: "all_or_nothing" | "flexible", campaign?: string) {
  const { db } = database();
  const simulated = createSimulatedGateway(db);
  campaign ??= await createCampaign(db, {
    funding_model: fundingModel,
    deadline_at: later(60).toISOString(),
  });
  const { pledge } = await beginCheckout(
    { ...deps(), gateway: simulated },
    pledgeRequest(campaign, 5_000),
    { slug: "atelier", title: "L'atelier", fundingModel },
    new Date(),
  );
  return { campaign, pledge, simulated, sessionId: pledge.checkout_session_id! };
}

test("the simulated checkout knows its own sessions only, with what its page needs of the campaign", async () => {
  const { db } = database();
  const { pledge, campaign, sessionId } = await simulatedCheckout("all_or_nothing");
  expect(sessionId).toMatch(/^sim_cs_/);
  expect(await loadSimulatedCheckout(db, sessionId)).toMatchObject({
    pledge: { id: pledge.id },
    campaign: { slug: expect.any(String), funding_model: "all_or_nothing", currency: "EUR" },
  });
  expect(await loadSimulatedCheckout(db, "sim_cs_unknown")).toBeNull();
  // A Stripe session's pledge is never paid through the simulated page.
  const stripeSession = `cs_test_${randomUUID().slice(0, 12)}`;
  await createPledge(db, campaign, {
    status: "pending",
    gateway: "stripe",
    checkout_session_id: stripeSession,
  });
  expect(await findSimulatedCheckout(db, stripeSession)).toBeUndefined();
  expect(await loadSimulatedCheckout(db, stripeSession)).toBeNull();
});

test("a simulated all-or-nothing checkout saves the card under the pledge's own references and takes nothing", async () => {
  const { db } = database();
  const { pledge } = await simulatedCheckout("all_or_nothing");
  expect(await completeSimulatedCheckout(db, pledge, "all_or_nothing", new Date())).toBe("committed");
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "committed",
    stripe_customer_id: `sim_cus_${pledge.id}`,
    setup_intent_id: `sim_seti_${pledge.id}`,
    payment_method_id: "sim_pm_card_visa",
    payment_intent_id: null,
    collected_at: null,
  });
});

test("a flexible simulated checkout interrupted between its commit and its collection is collected when completed again", async () => {
  const { db } = database();
  const { pledge } = await simulatedCheckout("flexible");
  // The first completion committed the pledge, then the process stopped before taking the payment.
  const refs = {
    customerId: `sim_cus_${pledge.id}`,
    paymentMethodId: "sim_pm_card_visa",
    setupIntentId: `sim_seti_${pledge.id}`,
  };
  expect(await commitPledge(db, pledge.id, refs, new Date())).toBe("committed");
  expect(await completeSimulatedCheckout(db, pledge, "flexible", new Date())).toBe("already");
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "collected",
    payment_intent_id: `sim_pi_${pledge.id}`,
  });
  const postings = async () =>
    (
      await db
        .selectFrom("ledger_transactions")
        .select("source_key")
        .where("pledge_id", "=", pledge.id)
        .execute()
    ).map((row) => row.source_key);
  const collected = [`collected:${pledge.id}`, `stripe_fee:${pledge.id}`];
  expect((await postings()).sort()).toEqual(collected);
  // Completed once more, nothing is collected twice.
  expect(await completeSimulatedCheckout(db, pledge, "flexible", new Date())).toBe("already");
  expect((await postings()).sort()).toEqual(collected);
});

test("the simulated bank settles each debit as its IBAN says, and leaves a processing card payment alone", async () => {
  const { db, engine } = database();
  const campaign = await createCampaign(db, {
    funding_model: "all_or_nothing",
    deadline_at: later(60).toISOString(),
  });
  const behaviours = ["sepa_succeeds", "sepa_succeeds_later", "sepa_fails"] as const;
  const pledges: string[] = [];
  let simulated: PaymentGateway | undefined;
  for (const behaviour of behaviours) {
    const started = await simulatedCheckout("all_or_nothing", campaign);
    simulated = started.simulated;
    await completeSimulatedCheckout(
      db,
      started.pledge,
      "all_or_nothing",
      new Date(),
      `sim_pm_sepa_debit_${behaviour}`,
    );
    pledges.push(started.pledge.id);
  }
  await db.updateTable("campaigns").set({ status: "succeeded" }).where("id", "=", campaign).execute();
  const closed = later(120);
  expect(
    await runChargeRun({ db, engine, gateway: simulated!, clock: () => closed }, { rate: 100 }),
  ).toMatchObject({
    processing: 3,
  });
  // A card payment marked processing (no simulated debit): not the bank's to answer.
  const card = await createPledge(db, campaign, {
    gateway: "simulated",
    payment_method_id: "sim_pm_card_visa",
    payment_intent_id: `sim_pi_${randomUUID()}`,
    payment_processing_at: closed.toISOString(),
  });

  const answered = new Date(closed.getTime() + SEPA_SETTLEMENT_DELAY.sepa_succeeds_later);
  expect(await settleSimulatedDebits(db, answered)).toBe(3);
  const rows = await Promise.all(pledges.map(async (id) => (await getPledge(db, id))!));
  expect(rows.map((p) => [p.status, p.last_payment_error])).toEqual([
    ["collected", null],
    ["collected", null],
    ["payment_failed", "insufficient_funds: The bank refused the SEPA debit (insufficient funds)."],
  ]);
  const outcomes = await db
    .selectFrom("simulated_payments")
    .select(["pledge_id", "outcome"])
    .where("kind", "=", "charge")
    .where("pledge_id", "in", pledges)
    .execute();
  expect(Object.fromEntries(outcomes.map((o) => [o.pledge_id, o.outcome]))).toEqual({
    [pledges[0]!]: "succeeded",
    [pledges[1]!]: "succeeded",
    [pledges[2]!]: "sepa_debit_failed",
  });
  expect(await getPledge(db, card)).toMatchObject({
    status: "committed",
    payment_processing_at: closed.toISOString(),
  });
});
