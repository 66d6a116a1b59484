// The local Stripe server refuses amounts as Stripe does (docs.stripe.com/currencies): below the
// currency's minimum (`amount_too_small`), fractions of ISK and UGX, three-decimal amounts not ending
// in 0, and currencies Stripe does not charge. And every campaign currency's least pledge goes through.
import Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  CAMPAIGN_CURRENCIES,
  maximumPledge,
  minimumPledge,
  STRIPE_MINIMUM_CHARGE,
  chargeStep,
} from "~/lib/currencies";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startStripeServer();
});
afterAll(async () => {
  await fake?.close();
});

async function refusal(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("expected Stripe to refuse it");
}

const intent = (amount: number, currency: string) => fake.stripe.paymentIntents.create({ amount, currency });

test("an amount below Stripe's minimum charge is refused with amount_too_small", async () => {
  for (const [currency, least] of [
    ["eur", 50],
    ["usd", 50],
    ["gbp", 30],
    ["jpy", 50],
    ["huf", 17_500],
  ] as const) {
    const error = await refusal(intent(least - 1, currency));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ code: "amount_too_small", param: "amount", statusCode: 400 });
    expect((await intent(least, currency)).amount).toBe(least);
  }
  // Without a row in Stripe's table, the charge must convert to at least 0,50 € (the account's currency).
  expect(await refusal(intent(1_000, "isk"))).toMatchObject({ code: "amount_too_small" });
  expect((await intent(10_000, "isk")).amount).toBe(10_000);
  expect(await refusal(intent(100, "kwd"))).toMatchObject({ code: "amount_too_small" });
  expect((await intent(200, "kwd")).amount).toBe(200);
});

test("fractions of ISK and UGX and three-decimal amounts not ending in 0 are refused", async () => {
  const isk = await refusal(intent(15_050, "isk"));
  expect(isk).toMatchObject({ code: "invalid_charge_amount_no_decimal_compatible", param: "amount" });
  expect(isk.message).toMatch(/Currency ISK has become effectively zero-decimal/);
  expect(await refusal(intent(400_050, "ugx"))).toMatchObject({
    code: "invalid_charge_amount_no_decimal_compatible",
  });
  expect(await refusal(intent(5_125, "kwd"))).toMatchObject({ code: "invalid_charge_amount" });
  expect((await intent(5_120, "kwd")).amount).toBe(5_120);
  // HUF and TWD are charged in two decimals: only their payouts are whole units.
  expect((await intent(17_550, "huf")).amount).toBe(17_550);
  expect((await intent(3_555, "twd")).amount).toBe(3_555);
});

test("a currency Stripe does not charge is refused, in Checkout too", async () => {
  expect(await refusal(intent(5_000, "xyz"))).toMatchObject({ param: "currency" });
  const setup = await refusal(
    fake.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "xyz",
      success_url: "https://x.example/ok",
    }),
  );
  expect(setup.message).toMatch(/^Invalid currency: xyz/);
  const tooSmall = await refusal(
    fake.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: "https://x.example/ok",
      line_items: [
        { quantity: 1, price_data: { currency: "isk", unit_amount: 150, product_data: { name: "Pledge" } } },
      ],
    }),
  );
  expect(tooSmall).toMatchObject({
    code: "invalid_charge_amount_no_decimal_compatible",
    param: "line_items",
  });
});

test("a refund of a fraction of a krona is refused", async () => {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency: "isk",
    success_url: "https://x.example/ok",
  });
  fake.completeCheckout(session.id);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  const paid = await fake.stripe.paymentIntents.create({
    amount: 200_000,
    currency: "isk",
    customer: String(setupIntent.customer),
    payment_method: String(setupIntent.payment_method),
    off_session: true,
    confirm: true,
  });
  expect(paid.status).toBe("succeeded");
  expect(
    await refusal(fake.stripe.refunds.create({ payment_intent: paid.id, amount: 10_050 })),
  ).toMatchObject({ code: "invalid_charge_amount_no_decimal_compatible" });
  expect((await fake.stripe.refunds.create({ payment_intent: paid.id, amount: 10_000 })).amount).toBe(10_000);
});

test("every campaign currency's least and largest pledge is an amount Stripe charges", async () => {
  for (const currency of CAMPAIGN_CURRENCIES) {
    const least = minimumPledge(currency);
    expect(least).toBeGreaterThanOrEqual(STRIPE_MINIMUM_CHARGE[currency] ?? 0);
    expect(least % chargeStep(currency)).toBe(0);
    expect(maximumPledge(currency) % chargeStep(currency)).toBe(0);
    expect(maximumPledge(currency)).toBeLessThanOrEqual(999_999_999);
    expect((await intent(least, currency.toLowerCase())).amount).toBe(least);
  }
});
