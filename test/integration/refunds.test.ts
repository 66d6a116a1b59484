// Refunds under concurrency and crashes, on a real database (SQLite and PostgreSQL), through the
// simulated gateway and the real Stripe SDK against the local Stripe server: never more refunded than
// collected, the database's refunds equal the gateway's, each posted once, a crash finished with its key.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { PaymentGateway, RefundRequest } from "~/payments/gateway";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { getPledge, recordRefund } from "~/pledges/pledges.server";
import { RefundError } from "~/lib/errors";
import {
  finishRefund,
  finishReservedRefunds,
  refundKey,
  refundPledge,
  reserveRefund,
  REFUND_RETRY_AFTER,
} from "~/pledges/refunds.server";
import { createCampaign, createUser } from "../support/factories";
import { collectedPledge, unbalancedTransactions } from "../support/ledger";
import { refundedByDatabase, refundedEverywhere, stripeCollectedPledge } from "../support/stripe-pledges";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
let fake: FakeStripe;
let stripeGateway: PaymentGateway;

beforeAll(async () => {
  fake = await startStripeServer();
  stripeGateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

/** The real gateway, with every refund request it was asked and what it answered. */
function counting(gateway: PaymentGateway) {
  const asked: RefundRequest[] = [];
  const refunded: number[] = [];
  const wrapped: PaymentGateway = {
    ...gateway,
    async refundPayment(request) {
      asked.push(request);
      const answer = await gateway.refundPayment(request);
      if (answer.status === "succeeded") refunded.push(request.amount);
      return answer;
    },
  };
  return { gateway: wrapped, asked, refunded };
}

async function simulatedPledge(amount: number) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  const pledgeId = await collectedPledge(db, campaign, amount, now);
  return { campaign, pledgeId };
}

/** A pledge charged off-session by the local Stripe server: a real charge that Stripe will refund. */
const stripePledge = (amount: number) => stripeCollectedPledge(database(), fake, stripeGateway, amount, now);

const attempts = (pledgeId: string) =>
  Array.from({ length: 10 }, (_, i) => ({ pledgeId, amount: 4_200 + i * 115, reason: `Attempt ${i}` }));

test("ten refunds of different amounts at once for a 70 € pledge refund one of them, through the simulated gateway", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await simulatedPledge(7_000);
  const { gateway, refunded } = counting(createSimulatedGateway(db));
  const results = await Promise.allSettled(
    attempts(pledgeId).map((r) => refundPledge({ db, gateway }, r, now)),
  );
  const succeeded = results.filter((r) => r.status === "fulfilled");
  // Each is more than half of 70 €: exactly one fits.
  expect(succeeded).toHaveLength(1);
  for (const r of results)
    if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "bad_refund_amount", status: 400 });
  const total = refunded.reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThanOrEqual(4_200);
  expect(total).toBeLessThanOrEqual(7_000);
  const gatewaySays = await db
    .selectFrom("simulated_payments")
    .select((eb) => eb.fn.sum<number>("amount").as("total"))
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", "refund")
    .where("outcome", "=", "succeeded")
    .executeTakeFirstOrThrow();
  expect(Number(gatewaySays.total)).toBe(total);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(total));
  const row = await db
    .selectFrom("campaigns")
    .select("pledged_amount")
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row.pledged_amount).toBe(7_000 - total);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("ten refunds at once through Stripe refund at most what was charged, and the database agrees with Stripe", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await stripePledge(7_000);
  const { gateway, asked } = counting(stripeGateway);
  const results = await Promise.allSettled(
    attempts(pledgeId).map((r) => refundPledge({ db, gateway }, r, now)),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  const intent = (await getPledge(db, pledgeId))!.payment_intent_id;
  const atStripe = [...fake.refunds.values()].filter((r) => r.payment_intent === intent);
  const stripeTotal = atStripe.reduce((sum, r) => sum + r.amount, 0);
  expect(stripeTotal).toBeLessThanOrEqual(7_000);
  expect(atStripe).toHaveLength(1);
  // Stripe was asked once, with the key of our own refund row.
  expect(asked).toHaveLength(1);
  expect(asked[0]!.idempotencyKey).toBe(refundKey(asked[0]!.refundId));
  expect(atStripe[0]!.metadata).toMatchObject({ refund_id: asked[0]!.refundId, pledge_id: pledgeId });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(stripeTotal));
  // Stripe's charge.refunded (its cumulative amount) changes nothing more.
  const charge = [...fake.charges.values()].find((c) => c.payment_intent === intent)!;
  await applyStripeEvent(db, fake.event("charge.refunded", charge), now);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(stripeTotal));
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("exactly what is left can be refunded, one cent more cannot, and neither can zero", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await simulatedPledge(5_000);
  const gateway = createSimulatedGateway(db);
  const refund = (amount: number) =>
    refundPledge({ db, gateway }, { pledgeId, amount, reason: "Boundary" }, now);
  await refund(1_999);
  await expect(refund(3_002)).rejects.toMatchObject({ code: "bad_refund_amount", field: "amount" });
  await expect(refund(0)).rejects.toMatchObject({ code: "bad_refund_amount" });
  await expect(refund(-1)).rejects.toMatchObject({ code: "bad_refund_amount" });
  await expect(refund(1.5)).rejects.toMatchObject({ code: "bad_refund_amount" });
  expect((await getPledge(db, pledgeId))!.status).toBe("collected");
  await refund(3_001);
  const pledge = (await getPledge(db, pledgeId))!;
  expect(pledge).toMatchObject({ status: "refunded", refunded_amount: 5_000, refund_reserved: 0 });
  await expect(refund(1)).rejects.toMatchObject({ code: "not_refundable" });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toMatchObject({ rows: 5_000, ledger: 5_000 });
  const row = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ pledged_amount: 0, backer_count: 0 });
});

test("a reason of three characters is enough, two are not", async () => {
  const { db } = database();
  const { pledgeId } = await simulatedPledge(5_000);
  const gateway = createSimulatedGateway(db);
  await expect(
    refundPledge({ db, gateway }, { pledgeId, amount: 100, reason: " ab " }, now),
  ).rejects.toMatchObject({ code: "reason_required" });
  await refundPledge({ db, gateway }, { pledgeId, amount: 100, reason: "abc" }, now);
  expect((await getPledge(db, pledgeId))!.refunded_amount).toBe(100);
});

test("the simulated gateway refuses more than it captured minus what it refunded, as Stripe does", async () => {
  const { db } = database();
  const { pledgeId } = await simulatedPledge(5_000);
  const gateway = createSimulatedGateway(db);
  const ask = (amount: number, key: string) =>
    gateway.refundPayment({
      pledgeId,
      refundId: key,
      paymentIntentId: `sim_pi_${pledgeId}`,
      amount,
      reason: "direct",
      idempotencyKey: key,
    });
  expect(await ask(5_001, "k1")).toMatchObject({ status: "refused", code: "amount_too_large" });
  expect(await ask(3_000, "k2")).toMatchObject({ status: "succeeded" });
  expect(await ask(2_001, "k3")).toMatchObject({ status: "refused", code: "amount_too_large" });
  // The same key answers the same, as Stripe's idempotency does.
  const again = await ask(3_000, "k2");
  expect(again).toEqual(await ask(3_000, "k2"));
  expect(await ask(2_000, "k4")).toMatchObject({ status: "succeeded" });
  expect(await ask(1, "k5")).toMatchObject({ status: "refused", code: "charge_already_refunded" });
  // Concurrent asks with different keys: the gateway itself never goes over what it captured.
  const other = await simulatedPledge(1_000);
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      gateway.refundPayment({
        pledgeId: other.pledgeId,
        refundId: `c${i}`,
        paymentIntentId: `sim_pi_${other.pledgeId}`,
        amount: 300,
        reason: "direct",
        idempotencyKey: `c${i}-${other.pledgeId}`,
      }),
    ),
  );
  expect(answers.filter((a) => a.status === "succeeded")).toHaveLength(3);
});

test("the local Stripe server refuses more than is left on the charge, with Stripe's error, and the refund is released", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await stripePledge(3_000);
  const intent = (await getPledge(db, pledgeId))!.payment_intent_id!;
  // Someone refunds 25 € from Stripe's dashboard; its webhook has not arrived yet.
  await fake.stripe.refunds.create({ payment_intent: intent, amount: 2_500 });
  const error = await fake.stripe.refunds
    .create({ payment_intent: intent, amount: 501 })
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ type: "StripeInvalidRequestError", param: "amount" });
  await expect(
    refundPledge({ db, gateway: stripeGateway }, { pledgeId, amount: 1_000, reason: "Too late" }, now),
  ).rejects.toMatchObject({ code: "refund_refused", status: 409, field: "amount" });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(0));
  const failed = await db.selectFrom("refunds").selectAll().where("pledge_id", "=", pledgeId).execute();
  expect(failed).toMatchObject([{ status: "failed", amount: 1_000 }]);
  // The dashboard's refund arrives by webhook: recorded as a refund of its own, posted once.
  const charge = [...fake.charges.values()].find((c) => c.payment_intent === intent)!;
  await applyStripeEvent(db, fake.event("charge.refunded", charge), now);
  await applyStripeEvent(db, fake.event("charge.refunded", charge), now);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(2_500));
  // What is left (5 €) can still be refunded here, and not a cent more.
  await expect(
    refundPledge({ db, gateway: stripeGateway }, { pledgeId, amount: 501, reason: "Rest" }, now),
  ).rejects.toMatchObject({ code: "bad_refund_amount" });
  await refundPledge({ db, gateway: stripeGateway }, { pledgeId, amount: 500, reason: "Rest" }, now);
  expect((await getPledge(db, pledgeId))!).toMatchObject({ status: "refunded", refunded_amount: 3_000 });
});

test("a crash after the reservation is finished by the job with the same key, once", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await stripePledge(6_000);
  const { gateway, asked } = counting(stripeGateway);
  // The worker reserved and died before asking Stripe.
  const refund = await reserveRefund(db, { pledgeId, amount: 2_000, reason: "Crash before" }, now);
  // The reservation holds: nothing more than what is left after it can be refunded meanwhile.
  await expect(
    refundPledge({ db, gateway }, { pledgeId, amount: 4_001, reason: "Meanwhile" }, now),
  ).rejects.toMatchObject({ code: "bad_refund_amount" });
  // Too young for the job: a request may still be finishing it.
  expect(await finishReservedRefunds({ db, gateway }, new Date(now.getTime() + REFUND_RETRY_AFTER - 1))).toBe(
    0,
  );
  // The refused 40,01 € never reached Stripe: the reservation check refused it first.
  expect(asked).toHaveLength(0);
  const later = new Date(now.getTime() + REFUND_RETRY_AFTER);
  expect(await finishReservedRefunds({ db, gateway }, later)).toBe(1);
  expect(await finishReservedRefunds({ db, gateway }, later)).toBe(0);
  expect(asked.map((r) => r.idempotencyKey)).toContain(refundKey(refund.id));
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(2_000));
});

test("a crash after Stripe refunded but before it was recorded: the job gets the same refund back, recorded once", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await stripePledge(6_000);
  const refund = await reserveRefund(db, { pledgeId, amount: 2_500, reason: "Crash after" }, now);
  const intent = (await getPledge(db, pledgeId))!.payment_intent_id!;
  // The worker asked Stripe, which refunded, and died before writing the answer down.
  const first = await stripeGateway.refundPayment({
    pledgeId,
    refundId: refund.id,
    paymentIntentId: intent,
    amount: refund.amount,
    reason: refund.reason!,
    idempotencyKey: refundKey(refund.id),
  });
  // Stripe's webhook arrives before the job: the reservation already accounts for it.
  const charge = [...fake.charges.values()].find((c) => c.payment_intent === intent)!;
  await applyStripeEvent(db, fake.event("charge.refunded", charge), now);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual({
    pledge: 0,
    reserved: 2_500,
    rows: 0,
    ledger: 0,
  });
  expect(
    await finishReservedRefunds({ db, gateway: stripeGateway }, new Date(now.getTime() + REFUND_RETRY_AFTER)),
  ).toBe(1);
  const atStripe = [...fake.refunds.values()].filter((r) => r.payment_intent === intent);
  expect(atStripe).toHaveLength(1);
  const row = await db
    .selectFrom("refunds")
    .selectAll()
    .where("id", "=", refund.id)
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({
    status: "succeeded",
    gateway_refund_id: first.status === "succeeded" ? first.refundId : "?",
  });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(2_500));
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("when the gateway cannot be reached the refund stays reserved, shown as pending, and the job finishes it", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await simulatedPledge(4_000);
  const real = createSimulatedGateway(db);
  let down = true;
  const gateway: PaymentGateway = {
    ...real,
    async refundPayment(request) {
      if (down) throw new Error("connect ECONNREFUSED");
      return real.refundPayment(request);
    },
  };
  const result = await refundPledge({ db, gateway }, { pledgeId, amount: 1_500, reason: "Offline" }, now);
  expect(result).toMatchObject({ status: "pending", refundId: null });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toMatchObject({ pledge: 0, reserved: 1_500 });
  const later = new Date(now.getTime() + 2 * REFUND_RETRY_AFTER);
  expect(await finishReservedRefunds({ db, gateway }, later)).toBe(0); // still down: still reserved
  down = false;
  expect(await finishReservedRefunds({ db, gateway }, later)).toBe(1);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(1_500));
  const keys = await db
    .selectFrom("simulated_payments")
    .select("idempotency_key")
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", "refund")
    .execute();
  expect(keys).toEqual([{ idempotency_key: refundKey(result.id) }]);
});

test("a refund reported by Stripe's cumulative amount is recorded once, whatever the order of reports", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await simulatedPledge(5_000);
  await recordRefund(db, pledgeId, 2_000, now);
  await recordRefund(db, pledgeId, 2_000, now);
  await recordRefund(db, pledgeId, 1_000, now); // an older report, late
  await Promise.all([recordRefund(db, pledgeId, 3_000, now), recordRefund(db, pledgeId, 3_000, now)]);
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(3_000));
});

test("a refund is refused inside a caller's transaction: its reservation must be committed before the gateway is asked", async () => {
  const { db } = database();
  const { pledgeId } = await simulatedPledge(2_000);
  const gateway = createSimulatedGateway(db);
  await expect(
    db
      .transaction()
      .execute((trx) => refundPledge({ db: trx, gateway }, { pledgeId, amount: 100, reason: "Nested" }, now)),
  ).rejects.toMatchObject({ code: "refund_in_transaction" });
  expect(await getPledge(db, pledgeId)).toMatchObject({ refunded_amount: 0, refund_reserved: 0 });
});

/** The simulated gateway, which lets `during` run (as another request or the job would) before it answers. */
function interleaved(during: (request: RefundRequest, inner: PaymentGateway) => Promise<void>) {
  const inner = createSimulatedGateway(database().db);
  const gateway: PaymentGateway = {
    ...inner,
    async refundPayment(request) {
      await during(request, inner);
      return inner.refundPayment(request);
    },
  };
  return gateway;
}

async function reservedRow(refundId: string) {
  return database().db.selectFrom("refunds").selectAll().where("id", "=", refundId).executeTakeFirstOrThrow();
}

test("a refund the job finished while the request waited is answered with the job's refund, recorded once", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await simulatedPledge(5_000);
  let jobRefund: string | null = null;
  const gateway = interleaved(async (request, inner) => {
    if (jobRefund) return;
    const outcome = await finishRefund({ db, gateway: inner }, await reservedRow(request.refundId), now);
    expect(outcome.status).toBe("succeeded");
    jobRefund = outcome.status === "succeeded" ? outcome.gatewayRefundId : null;
  });
  const result = await refundPledge({ db, gateway }, { pledgeId, amount: 1_200, reason: "Doublon" }, now);
  expect(jobRefund).toEqual(expect.any(String));
  expect(result).toEqual({ id: expect.any(String), status: "succeeded", refundId: jobRefund });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(1_200));
});

test("a refund the job saw refused while the request waited is refused to the request too, on its amount", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await simulatedPledge(5_000);
  let asked = false;
  const gateway = interleaved(async (request) => {
    if (asked) return;
    asked = true;
    const refusing: PaymentGateway = {
      ...createSimulatedGateway(db),
      refundPayment: async () => ({ status: "refused", code: "charge_disputed", message: "Disputed" }),
    };
    const outcome = await finishRefund({ db, gateway: refusing }, await reservedRow(request.refundId), now);
    expect(outcome).toMatchObject({ status: "refused" });
  });
  await expect(
    refundPledge({ db, gateway }, { pledgeId, amount: 1_200, reason: "Doublon" }, now),
  ).rejects.toMatchObject({ code: "refund_refused", status: 409, field: "amount" });
  expect(await refundedByDatabase(db, pledgeId, campaign)).toEqual(refundedEverywhere(0));
});

test("a refund of a pledge that does not exist is a 404, not a crash", async () => {
  const { db } = database();
  await expect(
    refundPledge(
      { db, gateway: createSimulatedGateway(db) },
      { pledgeId: "no-such-pledge", amount: 100, reason: "Doublon" },
      now,
    ),
  ).rejects.toMatchObject({ code: "pledge_not_found", status: 404 });
});

test("a refund keeps who asked for it, and a refusal we understand is not taken for an unanswered gateway", async () => {
  const { db } = database();
  const { pledgeId } = await simulatedPledge(5_000);
  const actorId = await createUser(db, { email: "admin-refund@example.org" });
  const actor = { id: actorId, email: "admin-refund@example.org" };
  const done = await refundPledge(
    { db, gateway: createSimulatedGateway(db) },
    { pledgeId, amount: 500, reason: "Doublon", actor },
    now,
  );
  expect(await reservedRow(done.id)).toMatchObject({
    actor_id: actorId,
    actor_email: actor.email,
    origin: "platform",
    status: "succeeded",
  });
  const failing: PaymentGateway = {
    ...createSimulatedGateway(db),
    refundPayment: async () => {
      // A refusal the gateway understands, of a kind no domain's table names: an AppError all the same.
      throw Object.assign(new RefundError("refund_refused", "No refunds on this account"), {
        code: "gateway_misconfigured",
      });
    },
  };
  await expect(
    refundPledge({ db, gateway: failing }, { pledgeId, amount: 500, reason: "Doublon", actor }, now),
  ).rejects.toMatchObject({ code: "gateway_misconfigured" });
});
