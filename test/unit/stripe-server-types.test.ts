// The local Stripe server is typed by the SDK: what it builds is checked by tsc (`npm run typecheck`
// runs the `@ts-expect-error` lines below, each fails to compile if the error it expects is gone),
// and at run time every object it answers with names its own type in `object`.
import type Stripe from "stripe";
import { afterEach, expect, test } from "vitest";
import { type FakeStripe, startStripeServer } from "../support/stripe-server";
import { build, example, type FixtureName, type Pinned } from "../support/stripe-types";

const servers: FakeStripe[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((fake) => fake.close()));
});

test("the SDK's own enums are open: Pinned closes them to the values the pinned SDK lists", () => {
  // What the SDK accepts (so that integrations cope with values Stripe adds later)…
  const open: Stripe.Checkout.Session["ui_mode"] = "hosted";
  // …and what the fake must not send: API 2026-10-28 calls Stripe's hosted page `hosted_page`.
  // @ts-expect-error "hosted" is no ui_mode of the pinned API version
  const closed: Pinned<Stripe.Checkout.Session>["ui_mode"] = "hosted";
  const known: Pinned<Stripe.Checkout.Session>["ui_mode"] = "hosted_page";
  // Plain strings stay plain strings.
  const id: Pinned<Stripe.Checkout.Session>["id"] = "cs_test_anything";
  expect([open, closed, known, id]).toEqual(["hosted", "hosted", "hosted_page", "cs_test_anything"]);
});

test("a builder refuses an unknown enum value, a misspelled field and another type's field", () => {
  // @ts-expect-error an unknown ui_mode
  build("checkout.session", { ui_mode: "hosted" });
  // @ts-expect-error PaymentIntents have no "paid" status
  build("payment_intent", { status: "paid" });
  // @ts-expect-error a nested enum: a capability is active, inactive or pending
  build("account", { capabilities: { transfers: "enabled" } });
  // @ts-expect-error a misspelled field
  build("payment_intent", { stauts: "succeeded" });
  // @ts-expect-error a field of another resource (sessions have payment_status, PaymentIntents do not)
  build("payment_intent", { payment_status: "paid" });
  // @ts-expect-error no such resource among the fixtures
  expect(() => build("checkout_session", {})).toThrow("No Stripe fixture for checkout_session");

  const session = build("checkout.session", { ui_mode: "hosted_page", status: "open", mode: "setup" });
  expect(session).toMatchObject({ object: "checkout.session", ui_mode: "hosted_page", mode: "setup" });
});

test("events carry the object their type names, and errors only known codes", async () => {
  const fake = await startStripeServer();
  servers.push(fake);
  const intent = build("payment_intent", { id: "pi_typed" });
  // @ts-expect-error a PaymentIntent is not what checkout.session.completed carries
  fake.event("checkout.session.completed", intent);
  // @ts-expect-error no such event type
  fake.event("payment_intent.succeed", intent);
  // @ts-expect-error account.updated's previous attributes are an account's fields
  fake.event("account.updated", build("account", {}), { previousAttributes: { stauts: "x" } });
  // @ts-expect-error not one of Stripe's error codes
  fake.failNext(/x/, { status: 400, type: "invalid_request_error", code: "no_such_code", message: "x" });
  // @ts-expect-error not one of Stripe's error types
  fake.failNext(/x/, { status: 400, type: "request_error", message: "x" });

  const event = fake.event("payment_intent.succeeded", intent);
  expect(event.data.object.id).toBe("pi_typed");
});

test("every example is completed to the pinned SDK's shape and names its own type", () => {
  const names: FixtureName[] = [
    "account",
    "account_link",
    "balance",
    "balance_transaction",
    "charge",
    "checkout.session",
    "customer",
    "dispute",
    "event",
    "payment_intent",
    "payment_method",
    "payout",
    "refund",
    "setup_intent",
    "transfer",
    "transfer_reversal",
  ];
  for (const name of names) expect(example(name).object).toBe(name);
  // Fields API 2026-10-28 has and Stripe's older examples lack (see FIXTURE_GAPS).
  expect(example("payment_intent")).toMatchObject({
    allowed_payment_method_types: null,
    payment_record: null,
  });
  expect(example("dispute")).toMatchObject({
    intended_submission_method: null,
    evidence_details: { submission_method: "not_submitted" },
  });
  expect(example("charge").payment_method_details?.card?.electronic_commerce_indicator).toBeNull();
  // Each call is a fresh copy: a server changing its object leaves the next one alone.
  const first = example("customer");
  first.metadata.changed = "yes";
  expect(example("customer").metadata).toEqual({});
});

/** The `object` of what an event carries, by the event type's family. */
const EVENT_OBJECTS: Array<[RegExp, string]> = [
  [/^checkout\.session\./, "checkout.session"],
  [/^charge\.dispute\./, "dispute"],
  [/^charge\./, "charge"],
  [/^payment_intent\./, "payment_intent"],
  [/^setup_intent\./, "setup_intent"],
  [/^account\./, "account"],
];

test("every object the server answers with, stores or sends in an event names its type in `object`", async () => {
  const fake = await startStripeServer({ fundsPendingDays: 0 });
  servers.push(fake);
  const { stripe } = fake;
  const answers: Array<{ object: string }> = [];
  const keep = <T extends { object: string }>(answer: T): T => {
    answers.push(answer);
    return answer;
  };
  const events: Stripe.Event[] = [];
  const inOneHour = Math.floor(Date.now() / 1000) + 3600;

  const customer = keep(await stripe.customers.create({ email: "ada@example.com" }));
  const setup = keep(
    await stripe.checkout.sessions.create({
      mode: "setup",
      currency: "eur",
      customer: customer.id,
      success_url: "https://app.example/thanks",
      expires_at: inOneHour,
      allowed_payment_method_types: ["card", "sepa_debit"],
    }),
  );
  events.push(...fake.completeCheckout(setup.id));
  const setupIntent = keep(
    await stripe.setupIntents.retrieve(String(fake.sessions.get(setup.id)?.setup_intent)),
  );
  const paymentMethod = keep(await stripe.paymentMethods.retrieve(String(setupIntent.payment_method)));
  const intent = keep(
    await stripe.paymentIntents.create({
      amount: 5_000,
      currency: "eur",
      customer: customer.id,
      payment_method: paymentMethod.id,
      off_session: true,
      confirm: true,
    }),
  );
  const charge = keep(await stripe.charges.retrieve(String(intent.latest_charge)));
  keep(await stripe.balanceTransactions.retrieve(String(charge.balance_transaction)));
  keep(await stripe.refunds.create({ payment_intent: intent.id, amount: 1_000 }));

  const payment = keep(
    await stripe.checkout.sessions.create({
      mode: "payment",
      customer_email: "ada@example.com",
      success_url: "https://app.example/thanks",
      expires_at: inOneHour,
      line_items: [
        { quantity: 1, price_data: { currency: "eur", unit_amount: 2_000, product_data: { name: "Tier" } } },
      ],
      allowed_payment_method_types: ["card", "sepa_debit"],
    }),
  );
  events.push(...fake.completeCheckoutWithIban(payment.id, "AT611904300234573201"));
  const debit = fake.sessions.get(payment.id)?.payment_intent;
  events.push(...fake.settleDebit(String(debit)));
  keep(await stripe.checkout.sessions.retrieve(payment.id));
  const expiring = keep(
    await stripe.checkout.sessions.create({
      mode: "setup",
      currency: "eur",
      success_url: "https://app.example/thanks",
      expires_at: inOneHour,
    }),
  );
  keep(await stripe.checkout.sessions.expire(expiring.id));

  const account = keep(
    await stripe.accounts.create({
      type: "express",
      country: "FR",
      capabilities: { transfers: { requested: true } },
    }),
  );
  keep(
    await stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "https://app.example/refresh",
      return_url: "https://app.example/return",
    }),
  );
  events.push(...fake.completeOnboarding(account.id));
  const transfer = keep(
    await stripe.transfers.create({ amount: 1_000, currency: "eur", destination: account.id }),
  );
  keep(await stripe.transfers.createReversal(transfer.id, { amount: 500 }));
  keep(await stripe.balance.retrieve());
  const page = keep(await stripe.balanceTransactions.list({ limit: 100 }));
  answers.push(...page.data);
  events.push(...fake.dispute(charge.id));
  const [disputeId] = fake.disputes.keys();
  const dispute = keep(await stripe.disputes.retrieve(String(disputeId)));
  events.push(...fake.closeDispute(dispute.id, "won"));
  keep(fake.payoutBalance("eur"));
  for (const event of events) keep(await stripe.events.retrieve(event.id));

  const expected: Record<string, string> = {
    cus: "customer", cs: "checkout.session", seti: "setup_intent", pm: "payment_method", pi: "payment_intent",
    ch: "charge", txn: "balance_transaction", re: "refund", acct: "account", tr: "transfer",
    trr: "transfer_reversal", dp: "dispute", po: "payout", evt: "event",
  }; // prettier-ignore
  for (const answer of answers) {
    const id = "id" in answer && typeof answer.id === "string" ? answer.id : undefined;
    const prefix = id?.split("_")[0];
    if (prefix !== undefined) expect({ id, object: answer.object }).toEqual({ id, object: expected[prefix] });
  }
  expect(answers.map((a) => a.object)).toEqual(expect.arrayContaining(["account_link", "balance", "list"]));

  const stores: Array<[string, Map<string, { object: string }>]> = [
    ["checkout.session", fake.sessions],
    ["payment_intent", fake.paymentIntents],
    ["setup_intent", fake.setupIntents],
    ["customer", fake.customers],
    ["charge", fake.charges],
    ["refund", fake.refunds],
    ["balance_transaction", fake.balanceTransactions],
    ["account", fake.accounts],
    ["transfer", fake.transfers],
    ["transfer_reversal", fake.transferReversals],
    ["dispute", fake.disputes],
    ["payout", fake.payouts],
  ];
  for (const [object, store] of stores) {
    expect(store.size, object).toBeGreaterThan(0);
    for (const stored of store.values()) expect(stored.object).toBe(object);
  }

  expect(events.length).toBeGreaterThan(8);
  for (const event of events) {
    const family = EVENT_OBJECTS.find(([pattern]) => pattern.test(event.type));
    expect(family, event.type).toBeDefined();
    expect({ type: event.type, object: event.data.object.object }).toEqual({
      type: event.type,
      object: family?.[1],
    });
  }
});
