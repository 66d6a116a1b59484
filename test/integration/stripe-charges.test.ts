// Charging saved cards through the real SDK against the local Stripe-compatible server: the
// off-session PaymentIntent we send, Stripe's card errors and refunds (crash safety with a real child
// process killed mid-run: processes.test.ts).
import { afterAll, beforeAll, expect, test } from "vitest";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { campaignStatement } from "~/payouts/statement.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import { disputedAmount } from "~/pledges/disputes.server";
import { chargeKey, runChargeRun } from "~/pledges/charging.server";
import { refundPledge } from "~/pledges/refunds.server";
import { getPledge } from "~/pledges/pledges.server";
import { startStripeServer, type FakeStripe, type TestCard } from "../support/stripe-server";
import { build } from "../support/stripe-types";
import { useTestDatabase } from "../support/database";
import { intentsOf, stripeCampaignWith } from "../support/stripe-pledges";

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

const succeededCampaignWith = (cards: TestCard[], amount?: number) =>
  stripeCampaignWith(database().db, fake, cards, amount);

const run = (clock = () => new Date()) =>
  runChargeRun(
    { db: database().db, engine: database().engine, gateway, clock },
    { rate: 100, concurrency: 4 },
  );

const intentsFor = (pledgeId: string) => intentsOf(fake, pledgeId);

test("each committed pledge is charged off-session with its saved card and pledge-<id>-attempt-1", async () => {
  const { campaign, pledges } = await succeededCampaignWith(["visa", "declined", "authentication_required"]);
  expect(await run()).toEqual({ charged: 1, processing: 0, failed: 2, errors: 0 });
  const [visa, declined, needsAuth] = pledges as [string, string, string];
  const request = fake.requests.find(
    (r) => r.path === "/v1/payment_intents" && r.idempotencyKey === chargeKey(visa, 1),
  );
  expect(request?.params).toMatchObject({
    amount: "2500",
    currency: "eur",
    off_session: "true",
    confirm: "true",
    transfer_group: `campaign-${campaign}`,
    metadata: { pledge_id: visa, campaign_id: campaign },
  });
  expect(await getPledge(database().db, visa)).toMatchObject({ status: "collected", charge_attempts: 1 });
  expect(await getPledge(database().db, declined)).toMatchObject({
    status: "payment_failed",
    last_payment_error: expect.stringMatching(/^card_declined: Your card was declined/),
  });
  const authFailure = await getPledge(database().db, needsAuth);
  expect(authFailure?.last_payment_error).toMatch(/^authentication_required/);
  expect(fake.paymentIntents.get(authFailure!.payment_intent_id!)?.status).toMatch(
    /^requires_(payment_method|action)$/,
  );
});

test("a refund goes to Stripe once, with its idempotency key, and lowers the total", async () => {
  const { db } = database();
  const { campaign, pledges } = await succeededCampaignWith(["visa"], 10_000);
  await run();
  const pledgeId = pledges[0]!;
  const { id } = await refundPledge(
    { db, gateway },
    { pledgeId, amount: 3_000, reason: "Partial refund" },
    new Date(),
  );
  const refunds = fake.requests.filter((r) => r.path === "/v1/refunds");
  // Keyed by our own refund row, not by amounts: two different requests can never share a key.
  expect(refunds.at(-1)).toMatchObject({
    idempotencyKey: `refund-${id}`,
    params: { amount: "3000", payment_intent: (await getPledge(db, pledgeId))?.payment_intent_id },
  });
  expect(await getPledge(db, pledgeId)).toMatchObject({ refunded_amount: 3_000, status: "collected" });
  const row = await db
    .selectFrom("campaigns")
    .select("pledged_amount")
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row.pledged_amount).toBe(7_000);
});

test("two workers charging at once never charge the same pledge twice", async () => {
  const { pledges } = await succeededCampaignWith(
    Array.from({ length: 24 }, () => "visa" as const),
    1_000,
  );
  const { db, engine } = database();
  const clock = () => new Date();
  const [a, b] = await Promise.all([
    runChargeRun(
      { db, engine, gateway, clock },
      { rate: 100, concurrency: 3, batch: 4, workerId: "worker-a" },
    ),
    runChargeRun(
      { db, engine, gateway, clock },
      { rate: 100, concurrency: 3, batch: 4, workerId: "worker-b" },
    ),
  ]);
  expect(a.charged + b.charged).toBe(24);
  for (const pledgeId of pledges) expect(intentsFor(pledgeId)).toHaveLength(1);
});

test("a dispute is recorded against its pledge and counted out while open or lost", async () => {
  const { db } = database();
  const { campaign, pledges } = await succeededCampaignWith(["visa"], 4_000);
  await run();
  const pledge = await getPledge(db, pledges[0]!);
  const chargeId = String(fake.paymentIntents.get(pledge!.payment_intent_id!)?.latest_charge);
  expect(pledge?.charge_id).toBe(chargeId);
  const dispute = build("dispute", {
    id: `dp_${pledge!.id.slice(0, 8)}`,
    charge: chargeId,
    payment_intent: pledge!.payment_intent_id,
    amount: 4_000,
    currency: "eur",
    reason: "fraudulent",
  });
  const created = await applyStripeEvent(
    db,
    fake.event("charge.dispute.created", { ...dispute, status: "needs_response" }),
    new Date(),
  );
  expect(created).toEqual({ outcome: "applied", pledgeId: pledge!.id });
  expect(await disputedAmount(db, campaign)).toBe(4_000);
  await applyStripeEvent(db, fake.event("charge.dispute.closed", { ...dispute, status: "won" }), new Date());
  expect(await disputedAmount(db, campaign)).toBe(0);
  await applyStripeEvent(db, fake.event("charge.dispute.closed", { ...dispute, status: "lost" }), new Date());
  const rows = await db.selectFrom("disputes").selectAll().where("pledge_id", "=", pledge!.id).execute();
  expect(rows).toEqual([
    expect.objectContaining({ status: "lost", amount: 4_000, currency: "EUR", reason: "fraudulent" }),
  ]);
  expect(await disputedAmount(db, campaign)).toBe(4_000);
});

test("Stripe's actual fee is read from the charge's balance transaction and posted once", async () => {
  const { db } = database();
  const { campaign, pledges } = await succeededCampaignWith(["visa"], 8_000);
  await run();
  expect(await recordProviderFees(db, gateway, new Date())).toBeGreaterThanOrEqual(1);
  expect(await recordProviderFees(db, gateway, new Date())).toBe(0);
  const statement = await campaignStatement(db, campaign, 500);
  // The local server charges Stripe's EU card price: 1.5 % + 0.25 €.
  expect(statement).toMatchObject({
    collected: 8_000,
    stripeFees: 145,
    platformFee: 400,
    net: 8_000 - 145 - 400,
  });
  const fee = await db
    .selectFrom("ledger_transactions")
    .select("source_key")
    .where("pledge_id", "=", pledges[0]!)
    .where("kind", "=", "stripe_fee")
    .execute();
  expect(fee).toEqual([{ source_key: `stripe_fee:${pledges[0]}` }]);
});
