// The local Stripe-compatible test server, driven only through the real `stripe` SDK over HTTP
// (plus its hosted-Checkout helpers), so that what it answers is what the SDK understands.
import Stripe from "stripe";
import { afterEach, expect, test } from "vitest";
import { type FakeStripe, type TestCard, startStripeServer } from "../support/stripe-server";
import { build } from "../support/stripe-types";

const servers: FakeStripe[] = [];

async function start(): Promise<FakeStripe> {
  // Funds available at once (as Stripe's 0077 test card): pending funds have their own tests (stripe-funds).
  const fake = await startStripeServer({ fundsPendingDays: 0 });
  servers.push(fake);
  return fake;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((fake) => fake.close()));
});

const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

/** What an all-or-nothing pledge does: a customer, then a setup-mode session. */
async function setupSession(fake: FakeStripe, idempotencyKey = "checkout-pledge-1") {
  const customer = await fake.stripe.customers.create(
    { email: "ada@example.com", name: "Ada", metadata: { pledge_id: "p1" } },
    { idempotencyKey: "customer-pledge-1" },
  );
  const session = await fake.stripe.checkout.sessions.create(
    {
      mode: "setup",
      currency: "EUR",
      customer: customer.id,
      success_url: "https://app.example/pledges/p1/thanks?session={CHECKOUT_SESSION_ID}",
      cancel_url: "https://app.example/campaigns/c1",
      expires_at: inOneHour(),
      metadata: { pledge_id: "p1", campaign_id: "c1" },
      client_reference_id: "p1",
      setup_intent_data: { metadata: { pledge_id: "p1", campaign_id: "c1" } },
    },
    { idempotencyKey },
  );
  return { customer, session };
}

/** A flexible pledge: payment mode, authorised only (manual capture). */
function paymentSession(fake: FakeStripe, captureMethod: "manual" | "automatic" = "manual", amount = 5000) {
  return fake.stripe.checkout.sessions.create({
    mode: "payment",
    customer_email: "ada@example.com",
    success_url: "https://app.example/thanks",
    line_items: [
      {
        quantity: 1,
        price_data: { currency: "eur", unit_amount: amount, product_data: { name: "Ciné-club" } },
      },
    ],
    payment_intent_data: {
      capture_method: captureMethod,
      metadata: { pledge_id: "p2" },
      transfer_group: "campaign-c1",
      description: "Ciné-club (p2)",
    },
  });
}

/** A card saved through a completed setup-mode session. */
async function savedCard(fake: FakeStripe, card: TestCard) {
  const { customer, session } = await setupSession(fake, `checkout-${card}`);
  fake.completeCheckout(session.id, card);
  const setupIntentId = fake.sessions.get(session.id)?.setup_intent;
  const setupIntent = await fake.stripe.setupIntents.retrieve(String(setupIntentId));
  return { customer: customer.id, paymentMethod: String(setupIntent.payment_method) };
}

/** The error a promise rejects with, to assert on its fields. */
async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("expected the Stripe call to fail");
}

test("a customer and a setup-mode session keep their metadata and currency, and the idempotency key is recorded", async () => {
  const fake = await start();
  const { customer, session } = await setupSession(fake);

  expect(customer.id).toMatch(/^cus_/);
  expect(customer).toMatchObject({
    object: "customer",
    email: "ada@example.com",
    metadata: { pledge_id: "p1" },
  });
  expect(session).toMatchObject({
    object: "checkout.session",
    mode: "setup",
    status: "open",
    payment_status: "no_payment_required",
    currency: "eur",
    customer: customer.id,
    amount_total: null,
    payment_intent: null,
    setup_intent: null,
    client_reference_id: "p1",
    metadata: { pledge_id: "p1", campaign_id: "c1" },
    livemode: false,
  });
  expect(session.id).toMatch(/^cs_test_/);
  expect(session.url).toBe(`${fake.url}/pay/${session.id}`);
  // Fields we do not override come from Stripe's own example object.
  expect(session.phone_number_collection).toEqual({ enabled: false });

  const recorded = fake.requests.find((r) => r.path === "/v1/checkout/sessions");
  expect(recorded).toMatchObject({
    method: "POST",
    idempotencyKey: "checkout-pledge-1",
    status: 200,
    params: { mode: "setup", currency: "EUR", metadata: { pledge_id: "p1", campaign_id: "c1" } },
  });
  expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(["customer-pledge-1", "checkout-pledge-1"]);
});

test("a request replayed with the same idempotency key gets the same session back and creates nothing", async () => {
  const fake = await start();
  const params = {
    mode: "setup" as const,
    currency: "eur",
    success_url: "https://app.example/thanks",
    metadata: { pledge_id: "p1" },
  };
  const first = await fake.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-pledge-1" });
  const again = await fake.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-pledge-1" });

  expect(again.id).toBe(first.id);
  expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
  expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  expect(fake.sessions.size).toBe(1);
  expect(fake.requests.map((r) => r.status)).toEqual([200, 200]);
});

test("reusing an idempotency key with other parameters is an idempotency error", async () => {
  const fake = await start();
  const params = { mode: "setup" as const, currency: "eur", success_url: "https://app.example/thanks" };
  await fake.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-pledge-1" });

  const error = await rejection(
    fake.stripe.checkout.sessions.create(
      { ...params, currency: "usd" },
      { idempotencyKey: "checkout-pledge-1" },
    ),
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  expect(error.statusCode).toBe(400);
  expect(error.message).toMatch(/same parameters they were first used with/);
  expect(fake.sessions.size).toBe(1);
});

test("a payment-mode session totals its line items and waits for payment", async () => {
  const fake = await start();
  const session = await fake.stripe.checkout.sessions.create({
    mode: "payment",
    success_url: "https://app.example/thanks",
    line_items: [
      { quantity: 1, price_data: { currency: "EUR", unit_amount: 5000, product_data: { name: "Pledge" } } },
      { quantity: 2, price_data: { currency: "eur", unit_amount: 1250, product_data: { name: "Poster" } } },
    ],
  });

  expect(session).toMatchObject({
    mode: "payment",
    status: "open",
    payment_status: "unpaid",
    currency: "eur",
    amount_subtotal: 7500,
    amount_total: 7500,
    payment_intent: null,
  });
  expect(fake.requests[0]?.params).toMatchObject({
    line_items: [
      { quantity: "1", price_data: { unit_amount: "5000", product_data: { name: "Pledge" } } },
      {},
    ],
  });
});

test("bracketed form parameters become nested objects and arrays, but metadata keys stay keys", async () => {
  const fake = await start();
  const customer = await fake.stripe.customers.create({
    name: "a&b=c [x]",
    metadata: { "0": "zero", "1": "one" },
  });
  await fake.stripe.customers.retrieve(customer.id, { expand: ["discount", "invoice_settings"] });

  expect(fake.requests[0]?.params).toEqual({ name: "a&b=c [x]", metadata: { "0": "zero", "1": "one" } });
  expect(fake.requests[1]?.params).toEqual({ expand: ["discount", "invoice_settings"] });
  expect(customer).toMatchObject({ name: "a&b=c [x]", metadata: { "0": "zero", "1": "one" } });
});

test("a session without a mode is refused on param mode", async () => {
  const fake = await start();
  const error = await rejection(
    fake.stripe.checkout.sessions.create({
      success_url: "https://app.example/thanks",
    } as Stripe.Checkout.SessionCreateParams),
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(error.param).toBe("mode");
  expect(fake.requests[0]?.status).toBe(400);
  expect(fake.sessions.size).toBe(0);
});

test("invalid session parameters are refused on the param at fault", async () => {
  const fake = await start();
  const base = { success_url: "https://app.example/thanks" };
  const zeroAmount = await rejection(
    fake.stripe.checkout.sessions.create({
      ...base,
      mode: "payment",
      line_items: [
        { quantity: 1, price_data: { currency: "eur", unit_amount: 0, product_data: { name: "x" } } },
      ],
    }),
  );
  expect(zeroAmount.param).toBe("line_items[0][price_data][unit_amount]");

  const noCurrency = await rejection(fake.stripe.checkout.sessions.create({ ...base, mode: "setup" }));
  expect(noCurrency.param).toBe("currency");

  const tooSoon = await rejection(
    fake.stripe.checkout.sessions.create({
      ...base,
      mode: "setup",
      currency: "eur",
      expires_at: Math.floor(Date.now() / 1000) + 60,
    }),
  );
  expect(tooSoon.param).toBe("expires_at");

  const noSuccessUrl = await rejection(
    fake.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "eur",
    } as Stripe.Checkout.SessionCreateParams),
  );
  expect(noSuccessUrl.param).toBe("success_url");
  expect(fake.sessions.size).toBe(0);
});

test("completing a setup-mode session saves the card: checkout.session.completed then setup_intent.succeeded", async () => {
  const fake = await start();
  const { customer, session } = await setupSession(fake);

  const events = fake.completeCheckout(session.id);
  expect(events.map((e) => e.type)).toEqual(["checkout.session.completed", "setup_intent.succeeded"]);

  const completed = await fake.stripe.checkout.sessions.retrieve(session.id);
  expect(completed).toMatchObject({ status: "complete", customer: customer.id, url: null });
  const setupIntent = await fake.stripe.setupIntents.retrieve(String(completed.setup_intent));
  expect(setupIntent).toMatchObject({
    status: "succeeded",
    usage: "off_session",
    customer: customer.id,
    metadata: { pledge_id: "p1", campaign_id: "c1" },
    last_setup_error: null,
  });
  const paymentMethod = await fake.stripe.paymentMethods.retrieve(String(setupIntent.payment_method));
  expect(paymentMethod).toMatchObject({
    type: "card",
    customer: customer.id,
    card: { brand: "visa", last4: "4242" },
  });

  const [sessionEvent, intentEvent] = events;
  expect(sessionEvent?.data.object).toMatchObject({
    id: session.id,
    status: "complete",
    setup_intent: setupIntent.id,
  });
  expect(intentEvent?.data.object).toMatchObject({ id: setupIntent.id, status: "succeeded" });
  expect(() => fake.completeCheckout(session.id)).toThrow(/not open/);
});

test("a manual-capture payment is authorised at checkout, and capture charges it with Stripe's fee", async () => {
  const fake = await start();
  const session = await paymentSession(fake, "manual", 5000);

  const events = fake.completeCheckout(session.id);
  expect(events.map((e) => e.type)).toEqual([
    "payment_intent.amount_capturable_updated",
    "checkout.session.completed",
  ]);
  const completed = await fake.stripe.checkout.sessions.retrieve(session.id);
  expect(completed).toMatchObject({ status: "complete", payment_status: "unpaid" });

  const authorised = await fake.stripe.paymentIntents.retrieve(String(completed.payment_intent));
  expect(authorised).toMatchObject({
    status: "requires_capture",
    amount: 5000,
    amount_capturable: 5000,
    currency: "eur",
    capture_method: "manual",
    metadata: { pledge_id: "p2" },
    transfer_group: "campaign-c1",
    latest_charge: null,
  });

  const captured = await fake.stripe.paymentIntents.capture(
    authorised.id,
    {},
    { idempotencyKey: "capture-p2" },
  );
  expect(captured).toMatchObject({ status: "succeeded", amount_received: 5000, amount_capturable: 0 });
  const charge = await fake.stripe.charges.retrieve(String(captured.latest_charge));
  expect(charge).toMatchObject({
    amount: 5000,
    amount_captured: 5000,
    amount_refunded: 0,
    captured: true,
    paid: true,
    status: "succeeded",
    payment_intent: authorised.id,
    metadata: { pledge_id: "p2" },
    transfer_group: "campaign-c1",
  });
  const balance = await fake.stripe.balanceTransactions.retrieve(String(charge.balance_transaction));
  // 1.5 % of 5000 is 75, plus 25.
  expect(balance).toMatchObject({ amount: 5000, fee: 100, net: 4900, type: "charge", source: charge.id });
  expect(balance.fee_details).toEqual([
    expect.objectContaining({ amount: 100, currency: "eur", type: "stripe_fee" }),
  ]);

  // The same through expansion, as a caller would read the fee in one request.
  const expanded = await fake.stripe.paymentIntents.retrieve(authorised.id, {
    expand: ["latest_charge.balance_transaction"],
  });
  const latest = expanded.latest_charge as Stripe.Charge;
  expect((latest.balance_transaction as Stripe.BalanceTransaction).fee).toBe(100);

  const again = await rejection(fake.stripe.paymentIntents.capture(authorised.id));
  expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(again.code).toBe("payment_intent_unexpected_state");
});

test("the fee rounds 1.5 % to the nearest minor unit", async () => {
  const fake = await start();
  const session = await paymentSession(fake, "automatic", 1234); // 18.51 → 19, plus 25
  fake.completeCheckout(session.id);
  const [charge] = [...fake.charges.values()];
  const balance = await fake.stripe.balanceTransactions.retrieve(String(charge?.balance_transaction));
  expect(balance).toMatchObject({ fee: 44, net: 1190 });
});

test("an automatic-capture payment is charged at checkout: charge, payment intent, then session events", async () => {
  const fake = await start();
  const session = await paymentSession(fake, "automatic");

  const events = fake.completeCheckout(session.id);
  expect(events.map((e) => e.type)).toEqual([
    "charge.succeeded",
    "payment_intent.succeeded",
    "checkout.session.completed",
  ]);
  const completed = await fake.stripe.checkout.sessions.retrieve(session.id);
  expect(completed.payment_status).toBe("paid");
  const intent = await fake.stripe.paymentIntents.retrieve(String(completed.payment_intent));
  expect(intent.status).toBe("succeeded");
  expect(intent.latest_charge).toBe((events[0]?.data.object as Stripe.Charge).id);
});

test("a declined or unauthenticated card does not complete a payment-mode session", async () => {
  const fake = await start();
  const session = await paymentSession(fake);
  expect(() => fake.completeCheckout(session.id, "declined")).toThrow(/keeps the customer there/);
  expect(() => fake.completeCheckout(session.id, "authentication_required")).toThrow(
    /keeps the customer there/,
  );
  expect((await fake.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  expect(fake.paymentIntents.size).toBe(0);
});

test("an off-session charge on a saved visa card succeeds with a charge", async () => {
  const fake = await start();
  const { customer, paymentMethod } = await savedCard(fake, "visa");
  const intent = await fake.stripe.paymentIntents.create(
    {
      amount: 2500,
      currency: "eur",
      customer,
      payment_method: paymentMethod,
      off_session: true,
      confirm: true,
      metadata: { pledge_id: "p1" },
    },
    { idempotencyKey: "charge-p1" },
  );
  expect(intent).toMatchObject({
    status: "succeeded",
    amount_received: 2500,
    customer,
    metadata: { pledge_id: "p1" },
  });
  expect(fake.charges.get(String(intent.latest_charge))?.amount).toBe(2500);
});

test("an off-session charge on a declined card is a card error that keeps the PaymentIntent", async () => {
  const fake = await start();
  const { customer, paymentMethod } = await savedCard(fake, "declined");
  const error = await rejection(
    fake.stripe.paymentIntents.create({
      amount: 2500,
      currency: "eur",
      customer,
      payment_method: paymentMethod,
      off_session: true,
      confirm: true,
    }),
  );

  expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
  expect(error.statusCode).toBe(402);
  expect(error).toMatchObject({
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
  });
  expect(error.payment_intent).toMatchObject({
    status: "requires_payment_method",
    payment_method: null,
    last_payment_error: { code: "card_declined", payment_method: { id: paymentMethod } },
  });
  const stored = await fake.stripe.paymentIntents.retrieve(String(error.payment_intent?.id));
  expect(stored.status).toBe("requires_payment_method");
});

test("a card that needs authentication fails off-session with authentication_required", async () => {
  const fake = await start();
  const { customer, paymentMethod } = await savedCard(fake, "authentication_required");
  const params = { amount: 2500, currency: "eur", customer, payment_method: paymentMethod, confirm: true };

  const offSession = await rejection(fake.stripe.paymentIntents.create({ ...params, off_session: true }));
  expect(offSession).toBeInstanceOf(Stripe.errors.StripeCardError);
  expect(offSession.code).toBe("authentication_required");
  expect(offSession.message).toBe("Your card was declined. This transaction requires authentication.");
  expect(offSession.payment_intent?.status).toBe("requires_payment_method");

  const onSession = await rejection(fake.stripe.paymentIntents.create(params));
  expect(onSession.code).toBe("authentication_required");
  expect(onSession.payment_intent?.status).toBe("requires_action");
});

test("a card saved for one customer cannot be charged for another, nor an unknown one at all", async () => {
  const fake = await start();
  const { paymentMethod } = await savedCard(fake, "visa");
  const stranger = await fake.stripe.customers.create({ email: "bob@example.com" });
  const params = { amount: 2500, currency: "eur", confirm: true, off_session: true };

  const wrongCustomer = await rejection(
    fake.stripe.paymentIntents.create({ ...params, customer: stranger.id, payment_method: paymentMethod }),
  );
  expect(wrongCustomer.param).toBe("payment_method");

  const unknown = await rejection(
    fake.stripe.paymentIntents.create({ ...params, customer: stranger.id, payment_method: "pm_nope" }),
  );
  expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(unknown).toMatchObject({ code: "resource_missing", param: "payment_method", statusCode: 400 });

  const badAmount = await rejection(fake.stripe.paymentIntents.create({ amount: 0, currency: "eur" }));
  expect(badAmount.param).toBe("amount");
  expect(fake.paymentIntents.size).toBe(0);
});

test("an authorisation can be cancelled, once", async () => {
  const fake = await start();
  const session = await paymentSession(fake);
  fake.completeCheckout(session.id);
  const intentId = String(fake.sessions.get(session.id)?.payment_intent);

  const canceled = await fake.stripe.paymentIntents.cancel(intentId, { cancellation_reason: "abandoned" });
  expect(canceled).toMatchObject({
    status: "canceled",
    cancellation_reason: "abandoned",
    amount_capturable: 0,
  });
  const again = await rejection(fake.stripe.paymentIntents.cancel(intentId));
  expect(again.code).toBe("payment_intent_unexpected_state");
});

test("refunds: a partial one, then the rest, then nothing is left to refund", async () => {
  const fake = await start();
  const session = await paymentSession(fake, "automatic", 5000);
  fake.completeCheckout(session.id);
  const intentId = String(fake.sessions.get(session.id)?.payment_intent);

  const partial = await fake.stripe.refunds.create({
    payment_intent: intentId,
    amount: 2000,
    reason: "requested_by_customer",
  });
  expect(partial).toMatchObject({
    object: "refund",
    amount: 2000,
    status: "succeeded",
    payment_intent: intentId,
  });
  let charge = await fake.stripe.charges.retrieve(String(partial.charge));
  expect(charge).toMatchObject({ amount_refunded: 2000, refunded: false });

  const tooMuch = await rejection(fake.stripe.refunds.create({ charge: charge.id, amount: 3001 }));
  expect(tooMuch.param).toBe("amount");

  const rest = await fake.stripe.refunds.create({ charge: charge.id });
  expect(rest.amount).toBe(3000);
  charge = await fake.stripe.charges.retrieve(charge.id);
  expect(charge).toMatchObject({ amount_refunded: 5000, refunded: true });
  const balance = await fake.stripe.balanceTransactions.retrieve(String(rest.balance_transaction));
  expect(balance).toMatchObject({ amount: -3000, type: "refund", source: rest.id });
  expect((await fake.stripe.refunds.retrieve(rest.id)).amount).toBe(3000);

  const none = await rejection(fake.stripe.refunds.create({ payment_intent: intentId }));
  expect(none).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(none.code).toBe("charge_already_refunded");
});

test("a session expires through the API once, and through the helper with its event", async () => {
  const fake = await start();
  const { session } = await setupSession(fake);
  const expired = await fake.stripe.checkout.sessions.expire(session.id);
  expect(expired).toMatchObject({ status: "expired", url: null });
  const again = await rejection(fake.stripe.checkout.sessions.expire(session.id));
  expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

  const other = await paymentSession(fake);
  const events = fake.expireCheckout(other.id);
  expect(events.map((e) => e.type)).toEqual(["checkout.session.expired"]);
  expect(events[0]?.data.object).toMatchObject({ id: other.id, status: "expired" });
  expect((await fake.stripe.checkout.sessions.retrieve(other.id)).status).toBe("expired");
  expect(() => fake.completeCheckout(other.id)).toThrow(/not open/);
});

test("failNext answers the next matching request once with the given error, and records it", async () => {
  const fake = await start();
  const customer = await fake.stripe.customers.create({ email: "ada@example.com" });
  fake.failNext(/^POST \/v1\/customers$/, { status: 500, type: "api_error", message: "Stripe is down" });
  fake.failNext(/^GET \/v1\/customers\//, {
    status: 400,
    type: "invalid_request_error",
    code: "resource_missing",
    param: "id",
    message: "Gone",
  });

  const down = await rejection(fake.stripe.customers.create({ email: "bob@example.com" }));
  expect(down).toBeInstanceOf(Stripe.errors.StripeAPIError);
  expect(down.message).toBe("Stripe is down");
  const gone = await rejection(fake.stripe.customers.retrieve(customer.id));
  expect(gone).toMatchObject({ code: "resource_missing", param: "id", message: "Gone" });

  // Once only: the same calls now go through.
  await fake.stripe.customers.create({ email: "bob@example.com" });
  expect((await fake.stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
  expect(fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
    "POST 200",
    "POST 500",
    "GET 400",
    "POST 200",
    "GET 200",
  ]);
  expect(fake.requests[1]?.params).toEqual({ email: "bob@example.com" });
  expect(fake.customers.size).toBe(2);
});

test("a wrong API key is an authentication error", async () => {
  const fake = await start();
  const stranger = new Stripe("sk_test_not_the_right_key", {
    host: fake.host,
    port: fake.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
  const error = await rejection(stranger.customers.create({ email: "ada@example.com" }));
  expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  expect(error.message).toMatch(/^Invalid API Key provided: /);
  expect(error.message).not.toContain("not_the_right");
  expect(fake.requests[0]?.status).toBe(401);
  expect(fake.customers.size).toBe(0);
});

test("unknown ids and unknown routes answer Stripe's 404s, with a request id", async () => {
  const fake = await start();
  const missing = await rejection(fake.stripe.paymentIntents.retrieve("pi_nope"));
  expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id" });
  expect(missing.requestId).toMatch(/^req_/);

  const route = await rejection(fake.stripe.rawRequest("GET", "/v1/nothing_here"));
  expect(route).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(route.statusCode).toBe(404);
  expect(route.message).toContain("Unrecognized request URL (GET: /v1/nothing_here)");
});

test("events are signed and verified by the SDK's webhook helpers", async () => {
  const fake = await start();
  const { session } = await setupSession(fake);
  const [completed] = fake.completeCheckout(session.id);
  const secret = "whsec_test_local";

  for (const event of [
    completed,
    fake.event("payment_intent.canceled", build("payment_intent", { id: "pi_x" })),
  ]) {
    const payload = JSON.stringify(event);
    const header = fake.stripe.webhooks.generateTestHeaderString({ payload, secret });
    const verified = fake.stripe.webhooks.constructEvent(payload, header, secret);
    expect(verified).toEqual(event);
    expect(verified).toMatchObject({
      object: "event",
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      api_version: Stripe.API_VERSION,
    });
    expect(verified.id).toMatch(/^evt_/);
    expect(Math.abs(verified.created - Date.now() / 1000)).toBeLessThan(5);
  }
  expect(() => fake.stripe.webhooks.constructEvent(JSON.stringify(completed), "t=1,v1=bad", secret)).toThrow(
    Stripe.errors.StripeSignatureVerificationError,
  );
});

// ---------------------------------------------------------------------------------------------
// Balance transactions, Connect, payouts and disputes.

/** An automatic-capture payment through Checkout: the charge it made (fee 1.5 % + 25). */
async function paidCharge(fake: FakeStripe, amount = 5000): Promise<Stripe.Charge> {
  const session = await paymentSession(fake, "automatic", amount);
  const [charged] = fake.completeCheckout(session.id);
  return charged?.data.object as Stripe.Charge;
}

/** A connected Express account that finished onboarding. */
async function onboardedAccount(fake: FakeStripe, email = "creator@example.com"): Promise<Stripe.Account> {
  const account = await fake.stripe.accounts.create({
    type: "express",
    email,
    capabilities: { transfers: { requested: true } },
  });
  fake.completeOnboarding(account.id);
  return account;
}

async function allBalanceTransactions(fake: FakeStripe, params: Stripe.BalanceTransactionListParams = {}) {
  const seen: Stripe.BalanceTransaction[] = [];
  for await (const transaction of fake.stripe.balanceTransactions.list(params)) seen.push(transaction);
  return seen;
}

test("balance transactions list newest first, ties in reverse order of recording, and auto-paginate once each", async () => {
  const fake = await start();
  fake.setTime(1_700_000_000);
  const first = await paidCharge(fake, 1000);
  const second = await paidCharge(fake, 2000); // the same second as the first
  fake.setTime(1_700_000_100);
  const third = await paidCharge(fake, 3000);
  const refund = await fake.stripe.refunds.create({ charge: third.id, amount: 500 });
  fake.setTime(null);

  const page = await fake.stripe.balanceTransactions.list();
  expect(page).toMatchObject({ object: "list", url: "/v1/balance_transactions", has_more: false });
  expect(page.data.map((t) => t.source)).toEqual([refund.id, third.id, second.id, first.id]);
  expect(page.data.map((t) => t.created)).toEqual([
    1_700_000_100, 1_700_000_100, 1_700_000_000, 1_700_000_000,
  ]);
  expect(third.created).toBe(1_700_000_100);

  const all = await allBalanceTransactions(fake, { limit: 2 });
  expect(all.map((t) => t.id)).toEqual(page.data.map((t) => t.id));
  expect(new Set(all.map((t) => t.id)).size).toBe(4);
  // Two full pages: the first, then starting_after its last id; the second says has_more false.
  const listed = fake.requests.filter((r) => r.path === "/v1/balance_transactions").slice(1);
  expect(listed.map((r) => r.params.starting_after)).toEqual([undefined, page.data[1]?.id]);
  expect(listed.map((r) => r.status)).toEqual([200, 200]);
  const odd = await allBalanceTransactions(fake, { limit: 3 });
  expect(odd.map((t) => t.id)).toEqual(page.data.map((t) => t.id));

  const firstTwo = await fake.stripe.balanceTransactions.list({ limit: 2 });
  expect(firstTwo.has_more).toBe(true);
  const after = await fake.stripe.balanceTransactions.list({
    limit: 2,
    starting_after: firstTwo.data[1]?.id,
  });
  expect(after.data.map((t) => t.id)).toEqual(page.data.slice(2).map((t) => t.id));
  expect(after.has_more).toBe(false);
  const before = await fake.stripe.balanceTransactions.list({ limit: 1, ending_before: page.data[2]?.id });
  expect(before.data.map((t) => t.id)).toEqual([page.data[1]?.id]);
  expect(before.has_more).toBe(true);
  // Iterating with ending_before walks back to the newest, each once.
  const newer = await allBalanceTransactions(fake, { limit: 1, ending_before: page.data[3]?.id });
  expect(newer.map((t) => t.id)).toEqual(
    page.data
      .slice(0, 3)
      .map((t) => t.id)
      .reverse(),
  );
});

test("balance transactions filter by created, type, source and currency", async () => {
  const fake = await start();
  fake.setTime(1_700_000_000);
  const early = await paidCharge(fake, 1000);
  fake.setTime(1_700_086_400);
  const late = await paidCharge(fake, 2000);
  const refund = await fake.stripe.refunds.create({ charge: late.id, amount: 300 });
  fake.setTime(null);

  const sources = async (params: Stripe.BalanceTransactionListParams) =>
    (await fake.stripe.balanceTransactions.list(params)).data.map((t) => t.source);
  expect(await sources({ created: { gte: 1_700_000_001 } })).toEqual([refund.id, late.id]);
  expect(await sources({ created: { lt: 1_700_086_400 } })).toEqual([early.id]);
  expect(await sources({ created: { gt: 1_700_000_000, lte: 1_700_086_400 } })).toEqual([refund.id, late.id]);
  expect(await sources({ created: 1_700_000_000 })).toEqual([early.id]);
  expect(await sources({ type: "refund" })).toEqual([refund.id]);
  expect(await sources({ type: "charge" })).toEqual([late.id, early.id]);
  expect(await sources({ source: early.id })).toEqual([early.id]);
  expect(await sources({ currency: "usd" })).toEqual([]);
  expect(fake.requests.at(-5)?.params).toEqual({ created: "1700000000" });
});

test("balance transaction listing refuses a bad limit, an unknown cursor or payout, and both cursors", async () => {
  const fake = await start();
  await paidCharge(fake);

  for (const limit of [0, 101]) {
    const error = await rejection(fake.stripe.balanceTransactions.list({ limit }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ param: "limit", type: "StripeInvalidRequestError" });
  }
  expect((await fake.stripe.balanceTransactions.list({ limit: 100 })).data).toHaveLength(1);

  const cursor = await rejection(fake.stripe.balanceTransactions.list({ starting_after: "txn_nope" }));
  expect(cursor).toMatchObject({ code: "resource_missing", param: "starting_after" });
  const before = await rejection(fake.stripe.balanceTransactions.list({ ending_before: "txn_nope" }));
  expect(before).toMatchObject({ code: "resource_missing", param: "ending_before" });
  const payout = await rejection(fake.stripe.balanceTransactions.list({ payout: "po_nope" }));
  expect(payout).toMatchObject({ code: "resource_missing", param: "payout" });
  const [only] = fake.balanceTransactions.keys();
  const both = await rejection(
    fake.stripe.balanceTransactions.list({ starting_after: only, ending_before: only }),
  );
  expect(both.message).toMatch(/only specify one of/);
});

test("expand[]=data.source replaces each listed transaction's source with its object", async () => {
  const fake = await start();
  const charge = await paidCharge(fake, 5000);
  const refund = await fake.stripe.refunds.create({ charge: charge.id, amount: 1000 });
  const account = await onboardedAccount(fake);
  const transfer = await fake.stripe.transfers.create({
    amount: 2000,
    currency: "eur",
    destination: account.id,
  });
  const reversal = await fake.stripe.transfers.createReversal(transfer.id, { amount: 500 });
  const disputed = await paidCharge(fake, 1000);
  fake.dispute(disputed.id);
  const payout = fake.payoutBalance("eur");

  const page = await fake.stripe.balanceTransactions.list({ expand: ["data.source"] });
  const objects = page.data.map((t) => t.source as { id: string; object: string });
  expect(objects.map((o) => o.object)).toEqual([
    "payout",
    "dispute",
    "charge",
    "transfer_reversal",
    "transfer",
    "refund",
    "charge",
  ]);
  expect(objects.map((o) => o.id)).toEqual([
    payout.id,
    expect.stringMatching(/^dp_/),
    disputed.id,
    reversal.id,
    transfer.id,
    refund.id,
    charge.id,
  ]);
  expect(page.data[6]?.source).toMatchObject({
    amount_captured: 5000,
    balance_transaction: page.data[6]?.id,
  });
  // 4900 − 1000 − 2000 + 500 + 960 − 1000 − 1500
  expect(payout.amount).toBe(860);

  // Expansion inside a single object still works, and a path through nothing is refused.
  const single = await fake.stripe.balanceTransactions.retrieve(String(charge.balance_transaction), {
    expand: ["source"],
  });
  expect((single.source as Stripe.Charge).id).toBe(charge.id);
  const wrong = await rejection(fake.stripe.balanceTransactions.list({ expand: ["data.nothing"] }));
  expect(wrong.param).toBe("expand");
});

test("an Express account is created restricted, read back, and its onboarding completes with a Connect event", async () => {
  const fake = await start();
  const account = await fake.stripe.accounts.create(
    {
      type: "express",
      email: "creator@example.com",
      capabilities: { transfers: { requested: true } },
      business_type: "individual",
      metadata: { user_id: "u1" },
    },
    { idempotencyKey: "account-u1" },
  );
  expect(account.id).toMatch(/^acct_/);
  expect(account).toMatchObject({
    object: "account",
    type: "express",
    email: "creator@example.com",
    country: "FR",
    default_currency: "eur",
    business_type: "individual",
    metadata: { user_id: "u1" },
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    capabilities: { transfers: "inactive" },
  });
  expect(account.capabilities?.card_payments).toBeUndefined();
  expect(account.requirements?.currently_due?.length).toBeGreaterThan(0);
  expect(account.external_accounts?.url).toBe(`/v1/accounts/${account.id}/external_accounts`);

  const withCards = await fake.stripe.accounts.create({
    type: "standard",
    country: "be",
    default_currency: "EUR",
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
  });
  expect(withCards).toMatchObject({
    type: "standard",
    country: "BE",
    email: null,
    capabilities: { card_payments: "inactive", transfers: "inactive" },
  });

  const events = fake.completeOnboarding(account.id);
  expect(events.map((e) => e.type)).toEqual(["account.updated"]);
  expect(events[0]?.account).toBe(account.id);
  expect(events[0]?.data.object).toMatchObject({
    id: account.id,
    details_submitted: true,
    charges_enabled: true,
    payouts_enabled: true,
    capabilities: { transfers: "active" },
    requirements: { currently_due: [], disabled_reason: null },
  });
  expect(events[0]?.data.previous_attributes).toMatchObject({
    details_submitted: false,
    payouts_enabled: false,
    capabilities: { transfers: "inactive" },
  });
  const read = await fake.stripe.accounts.retrieve(account.id);
  expect(read).toMatchObject({ payouts_enabled: true, capabilities: { transfers: "active" } });

  const restricted = fake.restrictAccount(account.id);
  expect(restricted[0]).toMatchObject({ type: "account.updated", account: account.id });
  expect(restricted[0]?.data.object).toMatchObject({
    payouts_enabled: false,
    capabilities: { transfers: "inactive" },
  });
  expect(fake.accounts.get(account.id)?.requirements?.disabled_reason).toBe("requirements.past_due");

  const noType = await rejection(fake.stripe.accounts.create({ email: "x@example.com" }));
  expect(noType).toMatchObject({ param: "type", code: "parameter_missing" });
  const badType = await rejection(
    fake.stripe.accounts.create({ type: "none" as Stripe.AccountCreateParams.Type }),
  );
  expect(badType.param).toBe("type");
  const missing = await rejection(fake.stripe.accounts.retrieve("acct_nope"));
  expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  expect(fake.accounts.size).toBe(2);
  expect(() => fake.completeOnboarding("acct_nope")).toThrow(/no account/);
});

test("an account link points to the local onboarding page, which links back to the platform", async () => {
  const fake = await start();
  fake.setTime(1_700_000_000);
  const account = await fake.stripe.accounts.create({ type: "express" });
  const link = await fake.stripe.accountLinks.create({
    account: account.id,
    type: "account_onboarding",
    refresh_url: "https://app.example/connect/refresh",
    return_url: "https://app.example/connect/return?a=1&b=2",
  });
  expect(link).toMatchObject({
    object: "account_link",
    url: `${fake.url}/connect/${account.id}`,
    created: 1_700_000_000,
    expires_at: 1_700_000_300,
  });

  const page = await fetch(link.url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("Test Connect onboarding");
  expect(html).toContain(account.id);
  expect(html).toContain('href="https://app.example/connect/return?a=1&#38;b=2"');
  expect((await fetch(`${fake.url}/connect/acct_nope`)).status).toBe(404);

  const unknown = await rejection(
    fake.stripe.accountLinks.create({ account: "acct_nope", type: "account_onboarding" }),
  );
  expect(unknown).toMatchObject({ code: "resource_missing", param: "account", statusCode: 400 });
  const badType = await rejection(
    fake.stripe.accountLinks.create({
      account: account.id,
      type: "custom_account_verification" as Stripe.AccountLinkCreateParams.Type,
    }),
  );
  expect(badType.param).toBe("type");
  const badUrl = await rejection(
    fake.stripe.accountLinks.create({ account: account.id, type: "account_onboarding", return_url: "nope" }),
  );
  expect(badUrl.param).toBe("return_url");
});

test("a transfer needs an onboarded destination and enough available balance, and debits the balance", async () => {
  const fake = await start();
  const pending = await fake.stripe.accounts.create({ type: "express" });
  const charge = await paidCharge(fake, 5000); // net 4900

  const inactive = await rejection(
    fake.stripe.transfers.create({ amount: 1000, currency: "eur", destination: pending.id }),
  );
  expect(inactive).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(inactive).toMatchObject({
    statusCode: 400,
    param: "destination",
    message:
      "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
  });
  const unknown = await rejection(
    fake.stripe.transfers.create({ amount: 1000, currency: "eur", destination: "acct_nope" }),
  );
  expect(unknown).toMatchObject({ code: "resource_missing", param: "destination" });

  fake.completeOnboarding(pending.id);
  const tooMuch = await rejection(
    fake.stripe.transfers.create({ amount: 4901, currency: "eur", destination: pending.id }),
  );
  expect(tooMuch).toMatchObject({ statusCode: 400, code: "balance_insufficient" });
  expect(tooMuch.message).toMatch(/^You have insufficient available funds in your Stripe account\./);
  const otherCurrency = await rejection(
    fake.stripe.transfers.create({ amount: 100, currency: "usd", destination: pending.id }),
  );
  expect(otherCurrency.code).toBe("balance_insufficient");

  const transferParams = {
    amount: 4000,
    currency: "eur",
    destination: pending.id,
    transfer_group: "campaign-c1",
    description: "Campaign c1",
    metadata: { campaign_id: "c1" },
  };
  const transfer = await fake.stripe.transfers.create(transferParams, { idempotencyKey: "transfer-c1" });
  expect(transfer.id).toMatch(/^tr_/);
  expect(transfer.destination_payment).toMatch(/^py_/);
  expect(transfer).toMatchObject({
    object: "transfer",
    amount: 4000,
    amount_reversed: 0,
    reversed: false,
    currency: "eur",
    destination: pending.id,
    transfer_group: "campaign-c1",
    source_transaction: null,
    metadata: { campaign_id: "c1" },
    reversals: { object: "list", data: [], has_more: false, url: `/v1/transfers/${transfer.id}/reversals` },
  });
  const balance = await fake.stripe.balanceTransactions.retrieve(String(transfer.balance_transaction));
  expect(balance).toMatchObject({
    type: "transfer",
    reporting_category: "transfer",
    amount: -4000,
    fee: 0,
    net: -4000,
    source: transfer.id,
    status: "available",
  });
  expect(await fake.stripe.transfers.retrieve(transfer.id)).toMatchObject({ id: transfer.id, amount: 4000 });
  // The same request again, with the same key: the same transfer, not a second one.
  const replayed = await fake.stripe.transfers.create(transferParams, { idempotencyKey: "transfer-c1" });
  expect(replayed.id).toBe(transfer.id);
  expect(fake.transfers.size).toBe(1);

  // 900 left: more is refused, unless the funds come from a charge (source_transaction).
  const over = await rejection(
    fake.stripe.transfers.create({ amount: 1000, currency: "eur", destination: pending.id }),
  );
  expect(over.code).toBe("balance_insufficient");
  const fromCharge = await fake.stripe.transfers.create({
    amount: 1000,
    currency: "eur",
    destination: pending.id,
    source_transaction: charge.id,
  });
  expect(fromCharge.source_transaction).toBe(charge.id);
  const wrongCharge = await rejection(
    fake.stripe.transfers.create({
      amount: 10,
      currency: "eur",
      destination: pending.id,
      source_transaction: "ch_nope",
    }),
  );
  expect(wrongCharge).toMatchObject({ code: "resource_missing", param: "source_transaction" });
  const wrongCurrency = await rejection(
    fake.stripe.transfers.create({
      amount: 10,
      currency: "usd",
      destination: pending.id,
      source_transaction: charge.id,
    }),
  );
  expect(wrongCurrency.param).toBe("currency");
  expect((await rejection(fake.stripe.transfers.retrieve("tr_nope"))).statusCode).toBe(404);
});

test("a transfer reversal: partial, then the rest, then nothing is left to reverse", async () => {
  const fake = await start();
  await paidCharge(fake, 5000);
  const account = await onboardedAccount(fake);
  const transfer = await fake.stripe.transfers.create({
    amount: 3000,
    currency: "eur",
    destination: account.id,
  });

  const partial = await fake.stripe.transfers.createReversal(
    transfer.id,
    { amount: 1000, metadata: { reason: "refund p1" } },
    { idempotencyKey: "reverse-p1" },
  );
  expect(partial.id).toMatch(/^trr_/);
  expect(partial).toMatchObject({
    object: "transfer_reversal",
    amount: 1000,
    currency: "eur",
    transfer: transfer.id,
    metadata: { reason: "refund p1" },
  });
  const again = await fake.stripe.transfers.createReversal(
    transfer.id,
    { amount: 1000, metadata: { reason: "refund p1" } },
    { idempotencyKey: "reverse-p1" },
  );
  expect(again.id).toBe(partial.id);
  expect(fake.transferReversals.size).toBe(1);

  const balance = await fake.stripe.balanceTransactions.retrieve(String(partial.balance_transaction));
  expect(balance).toMatchObject({
    type: "transfer_refund",
    reporting_category: "transfer_reversal",
    amount: 1000,
    fee: 0,
    net: 1000,
    source: partial.id,
  });
  let read = await fake.stripe.transfers.retrieve(transfer.id);
  expect(read).toMatchObject({ amount_reversed: 1000, reversed: false });
  expect(read.reversals.data.map((r) => r.id)).toEqual([partial.id]);

  const tooMuch = await rejection(fake.stripe.transfers.createReversal(transfer.id, { amount: 2001 }));
  expect(tooMuch).toMatchObject({ param: "amount", type: "StripeInvalidRequestError" });

  const rest = await fake.stripe.transfers.createReversal(transfer.id);
  expect(rest.amount).toBe(2000);
  read = await fake.stripe.transfers.retrieve(transfer.id);
  expect(read).toMatchObject({ amount_reversed: 3000, reversed: true });
  expect(read.reversals.data.map((r) => r.id)).toEqual([rest.id, partial.id]);

  const none = await rejection(fake.stripe.transfers.createReversal(transfer.id));
  expect(none).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(none.message).toBe(`The transfer ${transfer.id} is already fully reversed.`);
  const unknown = await rejection(fake.stripe.transfers.createReversal("tr_nope"));
  expect(unknown).toMatchObject({ statusCode: 404, code: "resource_missing" });
});

test("a payout takes the available balance and lists its transactions with ?payout=", async () => {
  const fake = await start();
  fake.setTime(1_700_000_000);
  const charge = await paidCharge(fake, 5000); // net 4900
  const account = await onboardedAccount(fake);
  const transfer = await fake.stripe.transfers.create({
    amount: 4000,
    currency: "eur",
    destination: account.id,
  });
  fake.setTime(1_700_086_400);
  const payout = fake.payoutBalance("EUR");
  fake.setTime(null);

  expect(payout.id).toMatch(/^po_/);
  expect(payout).toMatchObject({
    object: "payout",
    amount: 900,
    currency: "eur",
    created: 1_700_086_400,
    automatic: true,
    status: "paid",
  });
  expect(await fake.stripe.payouts.retrieve(payout.id)).toMatchObject({ id: payout.id, amount: 900 });
  const own = await fake.stripe.balanceTransactions.retrieve(String(payout.balance_transaction));
  expect(own).toMatchObject({
    type: "payout",
    reporting_category: "payout",
    amount: -900,
    net: -900,
    source: payout.id,
  });

  const included = await allBalanceTransactions(fake, { payout: payout.id });
  expect(included.map((t) => t.source)).toEqual([payout.id, transfer.id, charge.id]);
  expect(included.reduce((sum, t) => sum + t.net, 0)).toBe(0);

  // Nothing left; a new charge goes to the next payout only.
  expect(() => fake.payoutBalance("eur")).toThrow(/balance to pay out is 0/);
  const later = await paidCharge(fake, 1000);
  const next = fake.payoutBalance("eur");
  expect(next.amount).toBe(1000 - 40);
  const nextIncluded = await allBalanceTransactions(fake, { payout: next.id });
  expect(nextIncluded.map((t) => t.source)).toEqual([next.id, later.id]);
  expect(fake.payouts.size).toBe(2);
});

test("a dispute withdraws the amount and its fee; won, the amount comes back", async () => {
  const fake = await start();
  const charge = await paidCharge(fake, 5000);
  const intentId = String(charge.payment_intent);

  const events = fake.dispute(intentId);
  expect(events.map((e) => e.type)).toEqual(["charge.dispute.created", "charge.dispute.funds_withdrawn"]);
  const dispute = events[1]?.data.object as Stripe.Dispute;
  expect(dispute.id).toMatch(/^dp_/);
  expect(dispute).toMatchObject({
    object: "dispute",
    amount: 5000,
    currency: "eur",
    charge: charge.id,
    payment_intent: intentId,
    reason: "fraudulent",
    status: "needs_response",
  });
  expect(dispute.balance_transactions).toEqual([
    expect.objectContaining({
      object: "balance_transaction",
      type: "adjustment",
      reporting_category: "dispute",
      amount: -5000,
      fee: 1500,
      net: -6500,
      source: dispute.id,
      fee_details: [
        expect.objectContaining({ amount: 1500, type: "stripe_fee", description: "Dispute fee" }),
      ],
    }),
  ]);
  expect(events[0]?.data.object).toEqual(dispute);
  expect((await fake.stripe.charges.retrieve(charge.id)).disputed).toBe(true);
  expect(await fake.stripe.disputes.retrieve(dispute.id)).toMatchObject({
    id: dispute.id,
    status: "needs_response",
  });
  expect(() => fake.dispute(charge.id)).toThrow(/already disputed/);

  const closed = fake.closeDispute(dispute.id, "won");
  expect(closed.map((e) => e.type)).toEqual(["charge.dispute.funds_reinstated", "charge.dispute.closed"]);
  const won = closed[1]?.data.object as Stripe.Dispute;
  expect(won.status).toBe("won");
  expect(won.balance_transactions.map((t) => [t.reporting_category, t.amount, t.fee, t.net])).toEqual([
    ["dispute", -5000, 1500, -6500],
    ["dispute_reversal", 5000, 0, 5000],
  ]);
  const listed = await fake.stripe.balanceTransactions.list({ source: dispute.id });
  expect(listed.data.map((t) => t.reporting_category)).toEqual(["dispute_reversal", "dispute"]);
  expect(() => fake.closeDispute(dispute.id, "lost")).toThrow(/already won/);
});

test("a lost dispute keeps the money withdrawn; the fee can be set", async () => {
  const fake = await start();
  const charge = await paidCharge(fake, 2000);
  const [created] = fake.dispute(charge.id, { fee: 2000 });
  const dispute = created?.data.object as Stripe.Dispute;
  expect(dispute.balance_transactions[0]).toMatchObject({ amount: -2000, fee: 2000, net: -4000 });

  const closed = fake.closeDispute(dispute.id, "lost");
  expect(closed.map((e) => e.type)).toEqual(["charge.dispute.closed"]);
  expect(closed[0]?.data.object).toMatchObject({ id: dispute.id, status: "lost" });
  expect(fake.disputes.get(dispute.id)?.balance_transactions).toHaveLength(1);
  expect(() => fake.dispute("ch_nope")).toThrow(/no charge/);
});

test("setTime fixes created on new objects and events, until set back to null", async () => {
  const fake = await start();
  fake.setTime(1_600_000_000);
  const customer = await fake.stripe.customers.create({ email: "ada@example.com" });
  const charge = await paidCharge(fake);
  const event = fake.event("customer.created", customer);
  expect([customer.created, charge.created, event.created]).toEqual([
    1_600_000_000, 1_600_000_000, 1_600_000_000,
  ]);
  const balance = fake.balanceTransactions.get(String(charge.balance_transaction));
  expect(balance).toMatchObject({ created: 1_600_000_000, available_on: 1_600_000_000 });
  expect(() => fake.setTime(1.5)).toThrow(/whole unix seconds/);

  fake.setTime(null);
  const now = (await fake.stripe.customers.create({})).created;
  expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
});

// Late delivery and expiry (issue 12, item 6).

test("a redelivered event is the same event, snapshot and all, signed anew for each attempt", async () => {
  const fake = await start();
  const session = await paymentSession(fake);
  const events = fake.completeCheckout(session.id);
  const completed = events.find((e) => e.type === "checkout.session.completed")!;
  // What happens after the event was made does not change what a retry carries.
  fake.setTime(Math.floor(Date.now() / 1000) + 40 * 60);
  const retry = fake.redeliver(completed.id, "whsec_late");
  const again = fake.redeliver(completed, "whsec_late");
  fake.setTime(null);
  expect([retry.attempt, again.attempt]).toEqual([2, 3]);
  const received = Stripe.webhooks.constructEvent(retry.payload, retry.signature, "whsec_late");
  expect(received).toMatchObject({
    id: completed.id,
    created: completed.created,
    data: { object: { id: session.id, status: "complete" } },
  });
  expect(() => Stripe.webhooks.constructEvent(retry.payload, retry.signature, "whsec_other")).toThrow();
  expect(() => fake.redeliver("evt_unknown", "whsec_late")).toThrow(/no event/);
});

test("a session past its expires_at takes no payment, and stays open until expired", async () => {
  const fake = await start();
  const session = await paymentSession(fake);
  fake.setTime(session.expires_at);
  expect(() => fake.completeCheckout(session.id)).toThrow(/expires_at/);
  fake.setTime(null);
  expect((await fake.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  const expired = await fake.stripe.checkout.sessions.expire(session.id);
  expect(expired).toMatchObject({ status: "expired", url: null });
  await expect(fake.stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({
    type: "StripeInvalidRequestError",
    message: expect.stringContaining('status of "expired"'),
  });
});

test("a completed setup session, retrieved with its setup intent expanded, names the saved card", async () => {
  const fake = await start();
  const { session } = await setupSession(fake);
  fake.completeCheckout(session.id);
  const retrieved = await fake.stripe.checkout.sessions.retrieve(session.id, { expand: ["setup_intent"] });
  expect(retrieved.status).toBe("complete");
  expect(retrieved.setup_intent).toMatchObject({
    object: "setup_intent",
    status: "succeeded",
    payment_method: expect.stringMatching(/^pm_/),
  });
});
