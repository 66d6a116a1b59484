// The local Stripe server's pending and available balance, through the real SDK: a card charge's
// funds are pending until its available_on, a transfer from the platform's balance is refused with
// balance_insufficient until then, unless source_transaction names the charge that funds it.
import Stripe from "stripe";
import { afterEach, expect, test } from "vitest";
import { type FakeStripe, type StripeServerOptions, startStripeServer } from "../support/stripe-server";

const servers: FakeStripe[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((fake) => fake.close()));
});

/** 2026-12-02 10:00 UTC. */
const T = Date.UTC(2026, 11, 2, 10) / 1000;
const DAY = 24 * 3600;

async function start(options: StripeServerOptions = {}): Promise<FakeStripe> {
  const fake = await startStripeServer(options);
  servers.push(fake);
  fake.setTime(T);
  return fake;
}

/** An off-session charge on a card saved through Checkout; Stripe's fee is 1.5 % + 25. */
async function charge(fake: FakeStripe, amount: number, currency = "eur") {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency,
    success_url: "https://x.example/ok",
  });
  fake.completeCheckout(session.id);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  const intent = await fake.stripe.paymentIntents.create({
    amount,
    currency,
    customer: String(setupIntent.customer),
    payment_method: String(setupIntent.payment_method),
    off_session: true,
    confirm: true,
  });
  return fake.charges.get(String(intent.latest_charge))!;
}

async function onboardedAccount(fake: FakeStripe) {
  const account = await fake.stripe.accounts.create({
    type: "express",
    capabilities: { transfers: { requested: true } },
  });
  fake.completeOnboarding(account.id);
  return account.id;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as Stripe.errors.StripeError,
  );

const eur = (balance: Stripe.Balance, state: "available" | "pending") =>
  balance[state].find((b) => b.currency === "eur")?.amount;

test("a card charge's funds are pending for days, then available, and GET /v1/balance says so", async () => {
  const fake = await start();
  const paid = await charge(fake, 5_000); // net 4 900
  const line = await fake.stripe.balanceTransactions.retrieve(String(paid.balance_transaction));
  // Seven days later, at the next midnight (UTC): 2026-12-10 00:00.
  const availableOn = Date.UTC(2026, 11, 10) / 1000;
  expect(line).toMatchObject({ type: "charge", created: T, available_on: availableOn, status: "pending" });
  expect(availableOn - T).toBeGreaterThanOrEqual(7 * DAY);

  const before = await fake.stripe.balance.retrieve();
  expect(before).toMatchObject({ object: "balance", livemode: false });
  expect([eur(before, "available"), eur(before, "pending")]).toEqual([0, 4_900]);
  expect(before.pending.find((b) => b.currency === "eur")?.source_types).toEqual({ card: 4_900 });

  // A second before the date, still pending; at the date, available.
  fake.setTime(availableOn - 1);
  expect(eur(await fake.stripe.balance.retrieve(), "available")).toBe(0);
  fake.setTime(availableOn);
  const after = await fake.stripe.balance.retrieve();
  expect([eur(after, "available"), eur(after, "pending")]).toEqual([4_900, 0]);
  expect((await fake.stripe.balanceTransactions.retrieve(line.id)).status).toBe("available");
});

test("a transfer from pending funds is refused with balance_insufficient, and the same key gets the same refusal", async () => {
  const fake = await start();
  const destination = await onboardedAccount(fake);
  const paid = await charge(fake, 5_000);
  const params = { amount: 1_000, currency: "eur", destination };

  const refused = await rejection(fake.stripe.transfers.create(params, { idempotencyKey: "payout-1" }));
  expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(refused).toMatchObject({ statusCode: 400, code: "balance_insufficient" });
  // Stripe saves the result of an endpoint that ran: once the funds are there, the key still says no.
  fake.releaseFunds("eur");
  const replayed = await rejection(fake.stripe.transfers.create(params, { idempotencyKey: "payout-1" }));
  expect(replayed).toMatchObject({ code: "balance_insufficient" });
  expect(replayed.headers?.["idempotent-replayed"]).toBe("true");
  const sent = await fake.stripe.transfers.create(params, { idempotencyKey: "payout-1-again" });
  expect(sent).toMatchObject({ amount: 1_000, destination, source_transaction: null });
  expect(fake.transfers.size).toBe(1);
  expect(paid.id).toMatch(/^ch_/);
});

test("source_transaction transfers a pending charge's funds at once, pending until the charge's are available, never more than the charge", async () => {
  const fake = await start();
  const destination = await onboardedAccount(fake);
  const paid = await charge(fake, 5_000);
  const chargeLine = fake.balanceTransactions.get(String(paid.balance_transaction))!;

  const transfer = await fake.stripe.transfers.create({
    amount: 3_000,
    currency: "eur",
    destination,
    source_transaction: paid.id,
  });
  expect(transfer.source_transaction).toBe(paid.id);
  const line = await fake.stripe.balanceTransactions.retrieve(String(transfer.balance_transaction));
  expect(line).toMatchObject({
    type: "transfer",
    amount: -3_000,
    status: "pending",
    available_on: chargeLine.available_on,
  });
  // The pending balance is what the charge left: 4 900 − 3 000; nothing is available yet.
  const balance = await fake.stripe.balance.retrieve();
  expect([eur(balance, "available"), eur(balance, "pending")]).toEqual([0, 1_900]);

  const tooMuch = await rejection(
    fake.stripe.transfers.create({
      amount: 2_001,
      currency: "eur",
      destination,
      source_transaction: paid.id,
    }),
  );
  expect(tooMuch).toMatchObject({ statusCode: 400, param: "amount" });
  await fake.stripe.transfers.create({
    amount: 2_000,
    currency: "eur",
    destination,
    source_transaction: paid.id,
  });

  // Without a source, only the available balance counts.
  expect(
    await rejection(fake.stripe.transfers.create({ amount: 1, currency: "eur", destination })),
  ).toMatchObject({ code: "balance_insufficient" });
});

test("releaseFunds settles pending funds now; the platform's payout takes only available funds", async () => {
  const fake = await start();
  await charge(fake, 10_000); // net 9 825
  await charge(fake, 2_000, "usd"); // net 1 945
  expect(() => fake.payoutBalance("eur")).toThrow(/balance to pay out is 0/);

  expect(fake.releaseFunds("eur")).toBe(1);
  expect(fake.balance().available.map((b) => [b.currency, b.amount])).toEqual([
    ["eur", 9_825],
    ["usd", 0],
  ]);
  expect(fake.balance().pending.find((b) => b.currency === "usd")?.amount).toBe(1_945);
  expect(fake.payoutBalance("eur").amount).toBe(9_825);
  expect(fake.releaseFunds()).toBe(1);
  expect(fake.releaseFunds()).toBe(0);
});

test("with fundsPendingDays 0, funds are available at once (Stripe's 4000 0000 0000 0077 test card)", async () => {
  const fake = await start({ fundsPendingDays: 0 });
  const destination = await onboardedAccount(fake);
  const paid = await charge(fake, 5_000);
  expect(fake.balanceTransactions.get(String(paid.balance_transaction))).toMatchObject({
    available_on: T,
    status: "available",
  });
  expect(eur(await fake.stripe.balance.retrieve(), "available")).toBe(4_900);
  await fake.stripe.transfers.create({ amount: 4_900, currency: "eur", destination });
  expect(eur(await fake.stripe.balance.retrieve(), "available")).toBe(0);
});
