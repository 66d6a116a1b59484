// The contract test: the gateway paths the app uses, through app/payments/stripe.server.ts, against
// Stripe's real test mode, so that the local server (test/support/stripe-server.ts) is checked against
// the real thing. Run by `npm run test:stripe` with STRIPE_TEST_SECRET_KEY=sk_test_… (see README,
// Testing). It creates test-mode objects only (customers, payments, an Express account), each
// idempotency key unique to the run.
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { beforeAll, expect, test } from "vitest";
import { createStripeGateway } from "~/payments/stripe.server";

const key = process.env.STRIPE_TEST_SECRET_KEY ?? "";
const run = randomUUID().slice(0, 8);
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(() => {
  // Run directly without a key, this file fails rather than skips: `npm run test:stripe` says why.
  if (!/^(sk|rk)_test_/.test(key)) throw new Error("STRIPE_TEST_SECRET_KEY must be a test-mode key");
  gateway = createStripeGateway({ secretKey: key });
});

const connect = () => {
  if (!gateway.connect) throw new Error("The Stripe gateway has Connect");
  return gateway.connect;
};

/** A customer with Stripe's test card `pm` attached, as a completed setup-mode Checkout leaves one. */
async function customerWith(pm: string) {
  const customer = await gateway.stripe.customers.create({ email: `contract-${run}@example.org` });
  const method = await gateway.stripe.paymentMethods.attach(pm, { customer: customer.id });
  return { customerId: customer.id, paymentMethodId: method.id };
}

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("expected Stripe to refuse it");
}

const charge = (saved: { customerId: string; paymentMethodId: string }, amount: number, currency = "EUR") =>
  gateway.chargeSavedCard({
    pledgeId: `contract-${run}-${randomUUID().slice(0, 6)}`,
    campaignId: `contract-${run}`,
    amount,
    currency,
    ...saved,
    idempotencyKey: `contract-${run}-${randomUUID()}`,
    description: `Contract test ${run}`,
  });

test("a setup-mode Checkout session opens on Stripe's hosted page and can be expired", async () => {
  const session = await gateway.createCheckout({
    pledgeId: `contract-${run}-setup`,
    campaignId: `contract-${run}`,
    campaignTitle: "Contract test",
    fundingModel: "all_or_nothing",
    amount: 2_500,
    currency: "EUR",
    backerEmail: `contract-${run}@example.org`,
    backerName: "Contract Test",
    locale: "fr",
    successUrl: "https://example.org/ok",
    cancelUrl: "https://example.org/cancel",
    expiresAt: new Date(Date.now() + 60 * 60_000),
  });
  expect(session.sessionId).toMatch(/^cs_test_/);
  expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
  const opened = await gateway.stripe.checkout.sessions.retrieve(session.sessionId);
  expect(opened).toMatchObject({ mode: "setup", status: "open", currency: "eur" });
  await gateway.expireCheckout(session.sessionId);
  expect((await gateway.stripe.checkout.sessions.retrieve(session.sessionId)).status).toBe("expired");
});

test("an off-session charge on pm_card_visa succeeds, its fee and the date its funds are available are known, and a part is refunded", async () => {
  const saved = await customerWith("pm_card_visa");
  const result = await charge(saved, 2_500);
  expect(result).toMatchObject({ status: "succeeded", paymentIntentId: expect.stringMatching(/^pi_/) });
  if (result.status !== "succeeded") return;
  expect(result.chargeId).toMatch(/^ch_|^py_/);
  expect(await gateway.paymentSettlement(result.paymentIntentId)).toMatchObject({
    fee: expect.any(Number),
    availableAt: expect.any(Date),
  });
  const refund = await gateway.refundPayment({
    pledgeId: `contract-${run}`,
    refundId: `contract-${run}-refund`,
    paymentIntentId: result.paymentIntentId,
    amount: 1_000,
    reason: "contract test",
    idempotencyKey: `contract-${run}-refund`,
  });
  expect(refund).toMatchObject({ status: "succeeded", refundId: expect.stringMatching(/^re_/) });
  // More than is left is Stripe's refusal, a result, not a thrown error.
  const tooMuch = await gateway.refundPayment({
    pledgeId: `contract-${run}`,
    refundId: `contract-${run}-refund-2`,
    paymentIntentId: result.paymentIntentId,
    amount: 2_000,
    reason: "contract test",
    idempotencyKey: `contract-${run}-refund-2`,
  });
  expect(tooMuch.status).toBe("refused");
});

test("pm_card_chargeDeclined is declined with card_declined", async () => {
  // Stripe may refuse the card when it is attached, or when it is charged: both are the decline.
  let saved: { customerId: string; paymentMethodId: string } | null = null;
  try {
    saved = await customerWith("pm_card_chargeDeclined");
  } catch (error) {
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((error as Stripe.errors.StripeCardError).code).toBe("card_declined");
  }
  if (saved) expect(await charge(saved, 2_500)).toMatchObject({ status: "failed", code: "card_declined" });
});

test("Stripe refuses what the local server refuses: below the minimum, fractions of ISK, unknown currencies", async () => {
  const saved = await customerWith("pm_card_visa");
  const create = (amount: number, currency: string) =>
    gateway.stripe.paymentIntents.create({
      amount,
      currency,
      customer: saved.customerId,
      payment_method: saved.paymentMethodId,
      confirm: true,
      off_session: true,
    });
  expect(await rejection(create(49, "eur"))).toMatchObject({ code: "amount_too_small", param: "amount" });
  expect(await rejection(create(15_050, "isk"))).toMatchObject({
    code: "invalid_charge_amount_no_decimal_compatible",
  });
  expect((await rejection(create(5_000, "xyz"))).message).toMatch(/currency/i);
});

test("an Express account, its onboarding link, a transfer and its reversal, and balance lines page by page", async () => {
  const account = await connect().createExpressAccount({
    userId: `contract-${run}`,
    email: `contract-${run}@example.org`,
    country: "FR",
    idempotencyKey: `contract-${run}-account`,
  });
  expect(account).toMatchObject({ accountId: expect.stringMatching(/^acct_/), payoutsEnabled: false });
  const link = await connect().onboardingLink(account.accountId, {
    refreshUrl: "https://example.org/refresh",
    returnUrl: "https://example.org/return",
  });
  expect(link).toMatch(/^https:\/\/connect\.stripe\.com\//);
  expect(await connect().retrieveAccount(account.accountId)).toMatchObject({ detailsSubmitted: false });

  // Funds available at once (pm_card_bypassPending), so a transfer can leave the platform balance.
  const funding = await charge(await customerWith("pm_card_bypassPending"), 5_000);
  expect(funding.status).toBe("succeeded");
  const request = {
    amount: 1_000,
    currency: "EUR",
    transferGroup: `contract-${run}`,
    idempotencyKey: `contract-${run}-transfer`,
    metadata: { run },
  };
  // A fresh Express account has no active transfers capability: Stripe's refusal is a result.
  const refused = await connect().transfer({ ...request, destination: account.accountId });
  expect(refused).toMatchObject({ status: "refused", code: expect.any(String) });
  // With an onboarded test account (STRIPE_TEST_CONNECTED_ACCOUNT=acct_…), the transfer goes and is reversed.
  const onboarded = process.env.STRIPE_TEST_CONNECTED_ACCOUNT;
  if (onboarded) {
    const sent = await connect().transfer({
      ...request,
      destination: onboarded,
      idempotencyKey: `contract-${run}-transfer-ok`,
    });
    expect(sent).toMatchObject({ status: "sent", transferId: expect.stringMatching(/^tr_/) });
    if (sent.status === "sent") {
      const reversal = await connect().reverseTransfer({
        transferId: sent.transferId,
        amount: 400,
        idempotencyKey: `contract-${run}-reversal`,
        metadata: { run },
      });
      expect(reversal.reversalId).toMatch(/^trr_/);
    }
  }

  const lines = [];
  for await (const line of connect().balanceLines({
    pageSize: 2,
    createdFrom: new Date(Date.now() - 3_600_000),
  })) {
    lines.push(line);
    if (lines.length >= 5) break;
  }
  // At least this run's charges, over several pages of two.
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const line of lines) {
    expect(line).toMatchObject({
      id: expect.stringMatching(/^txn_/),
      currency: expect.stringMatching(/^[A-Z]{3}$/),
    });
  }
});
