// Charging saved cards through the real SDK against the local Stripe-compatible server: the
// off-session PaymentIntent we send, Stripe's card errors, refunds, and crash safety with a real
// child process killed by SIGKILL in the middle of a charge run.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/payments/webhooks.server";
import { campaignStatement, recordProviderFees } from "~/payouts/ledger.server";
import { disputedAmount } from "~/pledges/disputes.server";
import { chargeKey, runChargeRun } from "~/pledges/charging.server";
import { refundPledge } from "~/pledges/refunds.server";
import { getPledge } from "~/pledges/pledges.server";
import { createCampaign, createPledge } from "../support/factories";
import { startStripeServer, type FakeStripe, type TestCard } from "../support/stripe-server";
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

/** A customer with a card saved through Checkout (setup mode), as an all-or-nothing backer has. */
async function savedCard(card: TestCard) {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency: "eur",
    success_url: "https://x.example/ok",
  });
  fake.completeCheckout(session.id, card);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  return { customer: String(setupIntent.customer), paymentMethod: String(setupIntent.payment_method) };
}

async function succeededCampaignWith(cards: TestCard[], amount = 2_500) {
  const { db } = database();
  const campaign = await createCampaign(db, {
    status: "succeeded",
    deadline_at: "2026-11-01T22:59:59.999Z",
    goal_amount: 1_000,
  });
  const pledges: string[] = [];
  for (const card of cards) {
    const { customer, paymentMethod } = await savedCard(card);
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

const run = (clock = () => new Date()) =>
  runChargeRun(
    { db: database().db, engine: database().engine, gateway, clock },
    { rate: 100, concurrency: 4 },
  );

const intentsFor = (pledgeId: string) =>
  [...fake.paymentIntents.values()].filter((intent) => intent.metadata?.pledge_id === pledgeId);

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

test("a worker killed with SIGKILL mid-run, started again, charges nobody twice and finishes", async () => {
  const { pledges } = await succeededCampaignWith(
    Array.from({ length: 30 }, () => "visa" as const),
    1_500,
  );
  const root = resolve(import.meta.dirname, "../..");
  const child = (offsetMs: number) =>
    spawn(resolve(root, "node_modules/.bin/tsx"), ["test/support/charge-run-child.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database().url,
        STRIPE_SECRET_KEY: fake.apiKey,
        STRIPE_API_URL: fake.url,
        CHARGE_RATE: "15",
        NOW_OFFSET_MS: String(offsetMs),
        NODE_ENV: "test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });

  const first = child(0);
  // Let it charge some, then kill it without warning.
  const deadline = Date.now() + 20_000;
  while (pledges.filter((p) => intentsFor(p).length > 0).length < 8) {
    if (Date.now() > deadline) throw new Error("The first worker charged nothing");
    await new Promise((r) => setTimeout(r, 20));
  }
  first.kill("SIGKILL");
  await new Promise((r) => first.once("exit", r));
  const chargedBeforeCrash = pledges.filter((p) => intentsFor(p).length > 0).length;
  expect(chargedBeforeCrash).toBeLessThan(30);

  // Restarted later (its dead claims have gone stale), the worker finishes the run.
  const second = child(10 * 60_000);
  let output = "";
  second.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  second.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((r) => second.once("exit", r));
  expect(code, output).toBe(0);

  for (const pledgeId of pledges) {
    const intents = intentsFor(pledgeId);
    expect(intents, `pledge ${pledgeId}`).toHaveLength(1);
    expect(intents[0]?.status).toBe("succeeded");
    expect(await getPledge(database().db, pledgeId)).toMatchObject({
      status: "collected",
      charge_attempts: 1,
    });
  }
  // Replays of a key (the charges in flight when it died) came back from Stripe's idempotency.
  const keys = fake.requests
    .filter(
      (r) =>
        r.path === "/v1/payment_intents" && pledges.some((p) => r.idempotencyKey?.startsWith(`pledge-${p}-`)),
    )
    .map((r) => r.idempotencyKey);
  expect(new Set(keys)).toEqual(new Set(pledges.map((p) => chargeKey(p, 1))));
}, 60_000);

test("a dispute is recorded against its pledge and counted out while open or lost", async () => {
  const { db } = database();
  const { campaign, pledges } = await succeededCampaignWith(["visa"], 4_000);
  await run();
  const pledge = await getPledge(db, pledges[0]!);
  const chargeId = String(fake.paymentIntents.get(pledge!.payment_intent_id!)?.latest_charge);
  expect(pledge?.charge_id).toBe(chargeId);
  const dispute = {
    id: `dp_${pledge!.id.slice(0, 8)}`,
    object: "dispute",
    charge: chargeId,
    payment_intent: pledge!.payment_intent_id,
    amount: 4_000,
    currency: "eur",
    reason: "fraudulent",
  };
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
