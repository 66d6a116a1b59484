// The rules of Stripe's webhooks at their edges (app/checkout/webhooks.server.ts and stripe-events/):
// the signature against one secret or each endpoint's, an error that is not a race, the caller's own
// transaction, and each family's events on the pledge state they change, as Stripe sends them, expanded
// references included (issue #11 item 15: the survivors of the mutation run).
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import Stripe from "stripe";
import { expect, test } from "vitest";
import { applyStripeEvent, handleStripeWebhook, verifyStripeEvent } from "~/checkout/webhooks.server";
import type { PaymentGateway } from "~/payments/gateway";
import { getPledge } from "~/pledges/pledges.server";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { testEngine, useTestDatabase } from "../support/database";

const database = useTestDatabase();
const secret = "whsec_test_event_rules";
const connectSecret = "whsec_test_event_rules_connect";

/** Never asked: these events settle no authorisation (the pledges are all-or-nothing or not Stripe's). */
const noGateway = new Proxy({ name: "stripe" } as PaymentGateway, {
  get: (target, key) => {
    if (key === "name" || key === "then") return (target as unknown as Record<string | symbol, unknown>)[key];
    throw new Error(`the gateway was asked ${String(key)}`);
  },
});

let sequence = 0;
function event(type: string, object: Record<string, unknown>, extra: { account?: string } = {}) {
  return {
    id: `evt_rules_${++sequence}_${randomUUID().slice(0, 8)}`,
    object: "event",
    type,
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
    ...extra,
  } as unknown as Stripe.Event;
}
const apply = (e: Stripe.Event) => applyStripeEvent(database().db, e, new Date());
const sign = (payload: string, withSecret = secret) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: withSecret });

const session = (values: Record<string, unknown>) => ({
  id: `cs_test_${randomUUID().slice(0, 12)}`,
  object: "checkout.session",
  mode: "setup",
  payment_status: "no_payment_required",
  customer: null,
  setup_intent: null,
  payment_intent: null,
  metadata: {},
  ...values,
});
const paymentIntent = (values: Record<string, unknown>) => ({
  id: `pi_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
  object: "payment_intent",
  customer: null,
  payment_method: null,
  latest_charge: null,
  metadata: {},
  last_payment_error: null,
  ...values,
});
const dispute = (values: Record<string, unknown>) => ({
  id: `dp_${randomUUID().slice(0, 12)}`,
  object: "dispute",
  charge: null,
  payment_intent: null,
  amount: 2_500,
  currency: "eur",
  reason: "fraudulent",
  status: "needs_response",
  balance_transactions: [],
  ...values,
});

async function pending(fundingModel: "all_or_nothing" | "flexible" = "all_or_nothing", values = {}) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: fundingModel });
  const checkoutSessionId = `cs_test_${randomUUID().slice(0, 12)}`;
  const pledge = await createPledge(db, campaign, {
    status: "pending",
    committed_at: null,
    gateway: "stripe",
    checkout_session_id: checkoutSessionId,
    ...values,
  });
  return { campaign, pledge, checkoutSessionId };
}

async function webhookRow(id: string) {
  return database().db.selectFrom("webhook_events").selectAll().where("id", "=", id).executeTakeFirst();
}

// --- the signature -------------------------------------------------------------------------------

test("a signature is checked against one secret given alone, or against each endpoint's", () => {
  const payload = JSON.stringify(event("customer.created", { id: "cus_1" }));
  expect(verifyStripeEvent(payload, sign(payload), secret).type).toBe("customer.created");
  expect(verifyStripeEvent(payload, sign(payload, connectSecret), [secret, connectSecret]).type).toBe(
    "customer.created",
  );
  expect(() => verifyStripeEvent(payload, sign(payload, connectSecret), secret)).toThrow(
    expect.objectContaining({ code: "bad_signature" }),
  );
  expect(() => verifyStripeEvent(payload, sign(payload), [])).toThrow(
    expect.objectContaining({ code: "bad_signature" }),
  );
  expect(() => verifyStripeEvent(payload, null, secret)).toThrow(
    expect.objectContaining({ code: "bad_signature" }),
  );
});

test("the webhook verifies with the platform's secret, and with the Connect endpoint's when there is one", async () => {
  const { db } = database();
  const deps = { db, gateway: noGateway, webhookSecret: secret };
  const platform = event("customer.created", { id: "cus_2" });
  const body = JSON.stringify(platform);
  expect(await handleStripeWebhook(deps, body, sign(body), new Date())).toEqual({
    outcome: "ignored",
    eventId: platform.id,
  });
  const connect = event("customer.created", { id: "cus_3" });
  const connectBody = JSON.stringify(connect);
  await expect(
    handleStripeWebhook(deps, connectBody, sign(connectBody, connectSecret), new Date()),
  ).rejects.toMatchObject({
    code: "bad_signature",
  });
  expect(
    await handleStripeWebhook(
      { ...deps, connectWebhookSecret: connectSecret },
      connectBody,
      sign(connectBody, connectSecret),
      new Date(),
    ),
  ).toMatchObject({ outcome: "ignored" });
});

// --- errors that are not a lost race --------------------------------------------------------------

test("an event Stripe's shapes do not fit is an error (retried by Stripe), not recorded as already applied", async () => {
  const { db } = database();
  const { pledge } = await pending();
  const malformed = event(
    "checkout.session.completed",
    session({ mode: "bogus", metadata: { pledge_id: pledge } }),
  );
  const body = JSON.stringify(malformed);
  await expect(
    handleStripeWebhook({ db, gateway: noGateway, webhookSecret: secret }, body, sign(body), new Date()),
  ).rejects.toThrow();
  expect(await webhookRow(malformed.id)).toBeUndefined();
  expect(await getPledge(db, pledge)).toMatchObject({ status: "pending" });
});

test("inside a caller's transaction a payment another pledge holds is the caller's error to handle", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const intent = `pi_${randomUUID()}`;
  await createPledge(db, campaign, {
    status: "collected",
    payment_intent_id: intent,
    collected_at: new Date().toISOString(),
  });
  const second = await createPledge(db, campaign, { status: "committed" });
  const succeeded = event(
    "payment_intent.succeeded",
    paymentIntent({ id: intent, metadata: { pledge_id: second } }),
  );
  await expect(
    db.transaction().execute((trx) => applyStripeEvent(trx, succeeded, new Date())),
  ).rejects.toThrow();
  expect(await getPledge(db, second)).toMatchObject({ status: "committed", payment_intent_id: null });
  // Outside one, the same event is recorded as already recorded (a 200, never retried for days).
  expect((await apply(succeeded)).outcome).toBe("already_recorded");
});

// PostgreSQL only: on SQLite writers take turns, so a unique violation cannot come from a race.
test.runIf(testEngine() === "postgres")(
  "a payment another pledge held for a moment is applied on the second attempt, not recorded as lost",
  async () => {
    const { db } = database();
    const campaign = await createCampaign(db);
    const intent = `pi_${randomUUID()}`;
    const holder = await createPledge(db, campaign, { status: "committed" });
    const second = await createPledge(db, campaign, { status: "committed" });
    const succeeded = event(
      "payment_intent.succeeded",
      paymentIntent({ id: intent, metadata: { pledge_id: second } }),
    );
    /** Until `n` sessions of this database wait on a lock. */
    const waitingOnLocks = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
        if (rows[0]!.n >= n) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`${n} sessions never waited on a lock`);
    };
    // Another transaction gives the intent to the other pledge, not yet committed: the event's
    // first attempt waits on the unique index.
    const other = await db.startTransaction().execute();
    await other.updateTable("pledges").set({ payment_intent_id: intent }).where("id", "=", holder).execute();
    const applying = apply(succeeded);
    await waitingOnLocks(1);
    // A gate that takes the outbox of events as soon as the first attempt lets it go, so the second
    // attempt waits there.
    const gate = await db.startTransaction().execute();
    const gateShut = sql`lock table webhook_events in share mode`.execute(gate);
    await waitingOnLocks(2);
    // The holder commits: the first attempt fails on the index; the second waits at the gate.
    await other.commit().execute();
    await gateShut;
    await waitingOnLocks(1);
    // The holder lets the intent go before the second attempt runs.
    await db.updateTable("pledges").set({ payment_intent_id: null }).where("id", "=", holder).execute();
    await gate.rollback().execute();
    expect(await applying).toEqual({ outcome: "applied", pledgeId: second });
    expect(await getPledge(db, second)).toMatchObject({ status: "collected", payment_intent_id: intent });
  },
);

// --- checkout sessions --------------------------------------------------------------------------

test("a checkout session naming no pledge of ours is recorded unmatched, whatever its mode", async () => {
  for (const [type, mode] of [
    ["checkout.session.completed", "setup"],
    ["checkout.session.expired", "payment"],
    ["checkout.session.completed", "subscription"],
  ] as const) {
    const unknown = event(type, session({ mode, metadata: {} }));
    expect(await apply(unknown)).toEqual({ outcome: "unmatched", pledgeId: null });
    expect(await webhookRow(unknown.id)).toMatchObject({ outcome: "unmatched", pledge_id: null });
  }
});

test("a payment-mode session's completion commits its pledge; one Stripe says is paid collects it", async () => {
  const { db } = database();
  const unpaid = await pending("flexible");
  const intent = paymentIntent({}).id;
  expect(
    await apply(
      event(
        "checkout.session.completed",
        session({
          id: unpaid.checkoutSessionId,
          mode: "payment",
          payment_status: "unpaid",
          payment_intent: intent,
          metadata: { pledge_id: unpaid.pledge },
        }),
      ),
    ),
  ).toEqual({ outcome: "applied", pledgeId: unpaid.pledge });
  expect(await getPledge(db, unpaid.pledge)).toMatchObject({
    status: "committed",
    payment_intent_id: intent,
  });

  const paid = await pending("flexible");
  const paidIntent = paymentIntent({}).id;
  await apply(
    event(
      "checkout.session.completed",
      session({
        id: paid.checkoutSessionId,
        mode: "payment",
        payment_status: "paid",
        payment_intent: paidIntent,
        metadata: { pledge_id: paid.pledge },
      }),
    ),
  );
  expect(await getPledge(db, paid.pledge)).toMatchObject({
    status: "collected",
    payment_intent_id: paidIntent,
  });
});

test("an expanded customer or intent is read by its id", async () => {
  const { db } = database();
  const { pledge, checkoutSessionId } = await pending();
  await apply(
    event(
      "checkout.session.completed",
      session({
        id: checkoutSessionId,
        customer: { id: "cus_expanded", object: "customer" },
        setup_intent: { id: `seti_${randomUUID().slice(0, 12)}`, object: "setup_intent" },
        metadata: { pledge_id: pledge },
      }),
    ),
  );
  expect(await getPledge(db, pledge)).toMatchObject({
    status: "committed",
    stripe_customer_id: "cus_expanded",
    setup_intent_id: expect.stringMatching(/^seti_/),
  });
});

test("an expired session gives its pledge up as abandoned", async () => {
  const { db } = database();
  const { pledge, checkoutSessionId } = await pending();
  await apply(
    event("checkout.session.expired", session({ id: checkoutSessionId, metadata: { pledge_id: pledge } })),
  );
  expect(await getPledge(db, pledge)).toMatchObject({ status: "expired", cancel_reason: "abandoned" });
});

test("a bank debit that bounces: never counted, it is canceled; counted meanwhile, it fails as a declined card", async () => {
  const { db } = database();
  const never = await pending("flexible");
  const bounced = (p: { pledge: string; checkoutSessionId: string }) =>
    event(
      "checkout.session.async_payment_failed",
      session({
        id: p.checkoutSessionId,
        mode: "payment",
        payment_status: "unpaid",
        metadata: { pledge_id: p.pledge },
      }),
    );
  await apply(bounced(never));
  expect(await getPledge(db, never.pledge)).toMatchObject({
    status: "canceled",
    cancel_reason: "payment_failed",
    committed_at: null,
  });

  const counted = await pending("flexible", {
    status: "committed",
    committed_at: new Date().toISOString(),
    payment_intent_id: paymentIntent({}).id,
    payment_processing_at: new Date().toISOString(),
  });
  await apply(bounced(counted));
  expect(await getPledge(db, counted.pledge)).toMatchObject({
    status: "payment_failed",
    last_payment_error: "The bank debit failed",
    payment_processing_at: null,
  });
});

test("a bank debit that settles collects its pledge, though the session's event says nothing of payment", async () => {
  const { db } = database();
  const counted = await pending("flexible", {
    status: "committed",
    committed_at: new Date().toISOString(),
    payment_intent_id: paymentIntent({}).id,
    payment_processing_at: new Date().toISOString(),
  });
  await apply(
    event(
      "checkout.session.async_payment_succeeded",
      session({
        id: counted.checkoutSessionId,
        mode: "payment",
        payment_status: "unpaid",
        metadata: { pledge_id: counted.pledge },
      }),
    ),
  );
  expect(await getPledge(db, counted.pledge)).toMatchObject({
    status: "collected",
    payment_processing_at: null,
  });
});

test("a failed pledge whose session's debit then settles is collected; one whose debit bounces keeps the bank's reason", async () => {
  const { db } = database();
  const failed = {
    status: "payment_failed",
    committed_at: new Date().toISOString(),
    payment_failed_at: new Date().toISOString(),
    last_payment_error: "card_declined",
  } as const;
  const settles = await pending("flexible", { ...failed, payment_intent_id: paymentIntent({}).id });
  await apply(
    event(
      "checkout.session.async_payment_succeeded",
      session({
        id: settles.checkoutSessionId,
        mode: "payment",
        payment_status: "paid",
        metadata: { pledge_id: settles.pledge },
      }),
    ),
  );
  expect(await getPledge(db, settles.pledge)).toMatchObject({
    status: "collected",
    last_payment_error: null,
  });

  const bounces = await pending("flexible", { ...failed, payment_intent_id: paymentIntent({}).id });
  await apply(
    event(
      "checkout.session.async_payment_failed",
      session({
        id: bounces.checkoutSessionId,
        mode: "payment",
        payment_status: "unpaid",
        metadata: { pledge_id: bounces.pledge },
      }),
    ),
  );
  expect(await getPledge(db, bounces.pledge)).toMatchObject({
    status: "payment_failed",
    last_payment_error: "The bank debit failed",
  });
});

// --- setup and payment intents -------------------------------------------------------------------

test("a card update: its session's completion leaves the failed pledge alone, its setup intent brings the card to retry", async () => {
  const { db } = database();
  const { pledge } = await pending("all_or_nothing", {
    status: "payment_failed",
    committed_at: new Date().toISOString(),
    payment_failed_at: new Date().toISOString(),
    stripe_customer_id: "cus_first",
    setup_intent_id: "seti_first",
    payment_method_id: "pm_first",
    charge_attempts: 1,
  });
  const update = session({
    customer: "cus_update",
    setup_intent: "seti_update",
    metadata: { pledge_id: pledge },
  });
  expect(await apply(event("checkout.session.completed", update))).toEqual({
    outcome: "applied",
    pledgeId: pledge,
  });
  expect(await getPledge(db, pledge)).toMatchObject({
    status: "payment_failed",
    setup_intent_id: "seti_first",
    stripe_customer_id: "cus_first",
    retry_requested: 0,
  });
  await apply(
    event("setup_intent.succeeded", {
      id: "seti_update",
      object: "setup_intent",
      customer: "cus_update",
      payment_method: "pm_update",
      metadata: { pledge_id: pledge },
    }),
  );
  expect(await getPledge(db, pledge)).toMatchObject({
    status: "payment_failed",
    payment_method_id: "pm_update",
    stripe_customer_id: "cus_update",
    setup_intent_id: "seti_first",
    retry_requested: 1,
  });
});

test("a setup or payment intent naming no pledge of ours is recorded unmatched", async () => {
  const setup = event("setup_intent.succeeded", {
    id: `seti_${randomUUID().slice(0, 12)}`,
    object: "setup_intent",
    customer: null,
    payment_method: "pm_x",
    metadata: {},
  });
  expect(await apply(setup)).toEqual({ outcome: "unmatched", pledgeId: null });
  for (const type of ["payment_intent.succeeded", "payment_intent.payment_failed"])
    expect(await apply(event(type, paymentIntent({})))).toEqual({ outcome: "unmatched", pledgeId: null });
});

test("an authorisation commits its pledge; a debit on its way commits it as processing", async () => {
  const { db } = database();
  const held = await pending("flexible");
  const heldIntent = paymentIntent({ metadata: { pledge_id: held.pledge } });
  await apply(event("payment_intent.amount_capturable_updated", heldIntent));
  expect(await getPledge(db, held.pledge)).toMatchObject({
    status: "committed",
    payment_intent_id: heldIntent.id,
    last_payment_error: null,
    payment_processing_at: null,
  });

  const debit = await pending("flexible");
  const debitIntent = paymentIntent({ metadata: { pledge_id: debit.pledge }, payment_method: "pm_sepa" });
  await apply(event("payment_intent.processing", debitIntent));
  expect(await getPledge(db, debit.pledge)).toMatchObject({
    status: "committed",
    payment_intent_id: debitIntent.id,
    payment_method_id: "pm_sepa",
    payment_processing_at: expect.any(String),
  });
});

test("a failed payment keeps Stripe's message, else its code, else says the payment failed", async () => {
  const { db } = database();
  const cases = [
    [{ message: "Your card was declined.", code: "card_declined" }, "Your card was declined."],
    [{ message: null, code: "card_declined" }, "card_declined"],
    [null, "payment failed"],
  ] as const;
  for (const [error, reason] of cases) {
    const intent = paymentIntent({ last_payment_error: error });
    const { pledge } = await pending("all_or_nothing", {
      status: "committed",
      committed_at: new Date().toISOString(),
      payment_intent_id: intent.id,
    });
    await apply(event("payment_intent.payment_failed", intent));
    expect(await getPledge(db, pledge)).toMatchObject({
      status: "payment_failed",
      last_payment_error: reason,
    });
  }
});

// --- charges: refunds and disputes ----------------------------------------------------------------

test("a refund or dispute naming no pledge of ours: the dispute is recorded all the same, both unmatched", async () => {
  const { db } = database();
  const refund = event("charge.refunded", {
    id: `ch_${randomUUID().slice(0, 12)}`,
    object: "charge",
    payment_intent: null,
    amount_refunded: 1_000,
    metadata: {},
  });
  expect(await apply(refund)).toEqual({ outcome: "unmatched", pledgeId: null });
  const foreign = dispute({ charge: `ch_${randomUUID().slice(0, 12)}` });
  expect(await apply(event("charge.dispute.created", foreign))).toEqual({
    outcome: "unmatched",
    pledgeId: null,
  });
  expect(
    await db.selectFrom("disputes").selectAll().where("id", "=", foreign.id).executeTakeFirst(),
  ).toMatchObject({
    pledge_id: null,
    charge_id: foreign.charge,
    amount: 2_500,
    currency: "EUR",
  });
});

test("a dispute is recorded against its charge, found by it alone, and one without a charge under an empty one", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const chargeId = `ch_${randomUUID().slice(0, 12)}`;
  const byCharge = await createPledge(db, campaign, {
    status: "collected",
    collected_at: new Date().toISOString(),
    charge_id: chargeId,
    payment_intent_id: paymentIntent({}).id,
  });
  const first = dispute({ charge: chargeId, balance_transactions: null });
  expect(await apply(event("charge.dispute.created", first))).toEqual({
    outcome: "applied",
    pledgeId: byCharge,
  });
  expect(
    await db.selectFrom("disputes").selectAll().where("id", "=", first.id).executeTakeFirst(),
  ).toMatchObject({
    pledge_id: byCharge,
    charge_id: chargeId,
  });
  const ledger = await db
    .selectFrom("ledger_transactions")
    .select("id")
    .where("pledge_id", "=", byCharge)
    .execute();
  expect(ledger).toEqual([]);

  const intent = paymentIntent({}).id;
  const byIntent = await createPledge(db, campaign, {
    status: "collected",
    collected_at: new Date().toISOString(),
    payment_intent_id: intent,
  });
  const second = dispute({ charge: null, payment_intent: intent });
  expect(await apply(event("charge.dispute.created", second))).toEqual({
    outcome: "applied",
    pledgeId: byIntent,
  });
  expect(
    await db.selectFrom("disputes").selectAll().where("id", "=", second.id).executeTakeFirst(),
  ).toMatchObject({
    pledge_id: byIntent,
    charge_id: "",
  });
});

// --- connected accounts --------------------------------------------------------------------------

test("account.updated: by the event's account or, from the platform endpoint, the object's id; each flag as Stripe says", async () => {
  const { db } = database();
  const user = await createUser(db);
  const accountId = `acct_${randomUUID().slice(0, 12)}`;
  const at = new Date().toISOString();
  await db
    .insertInto("payout_accounts")
    .values({
      user_id: user,
      stripe_account_id: accountId,
      payouts_enabled: 0,
      details_submitted: 0,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const row = () =>
    db
      .selectFrom("payout_accounts")
      .select(["payouts_enabled", "details_submitted"])
      .where("stripe_account_id", "=", accountId)
      .executeTakeFirstOrThrow();
  const updated = (values: Record<string, unknown>, extra: { account?: string } = {}) =>
    event("account.updated", { id: accountId, object: "account", ...values }, extra);

  expect(await apply(updated({ payouts_enabled: true, details_submitted: false }))).toEqual({
    outcome: "applied",
    pledgeId: null,
  });
  expect(await row()).toEqual({ payouts_enabled: 1, details_submitted: 0 });
  await apply(updated({ payouts_enabled: false, details_submitted: true }, { account: accountId }));
  expect(await row()).toEqual({ payouts_enabled: 0, details_submitted: 1 });

  const stranger = event("account.updated", { id: "acct_nobody", object: "account", payouts_enabled: true });
  expect(await apply(stranger)).toEqual({ outcome: "unmatched", pledgeId: null });
  expect(await webhookRow(stranger.id)).toMatchObject({ outcome: "unmatched" });
});
