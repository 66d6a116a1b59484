// Payouts through Stripe Connect, against the local Stripe-compatible server and the real SDK: the
// owner's Express account (onboarding link, then account.updated), one transfer per payout keyed by
// the payout, reversals that take back what a refund or a lost dispute leaves the owner owing, and
// Stripe's balance lines imported page by page and matched to the ledger, to the unit.
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { beginCheckout, settleAuthorisation } from "~/checkout/checkout.server";
import type { PaymentGateway } from "~/payments/gateway";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { payoutAccountOf, startOnboarding } from "~/payouts/accounts.server";
import { auditEntries } from "~/ledger/audit.server";
import { balance, ownerAccount } from "~/ledger/ledger.server";
import { campaignStatement, settlePlatformFee } from "~/payouts/statement.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import {
  approvePayout,
  getPayout,
  markBankPayoutPaid,
  overridePlatformFee,
  reverseAfterPayouts,
} from "~/payouts/payouts.server";
import { importBalanceLines, problemsByCampaign, reconcile } from "~/payouts/reconciliation.server";
import { runChargeRun } from "~/pledges/charging.server";
import { getPledge } from "~/pledges/pledges.server";
import { refundPledge } from "~/pledges/refunds.server";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { postedPlatformFee, unbalancedTransactions } from "../support/ledger";
import { useTestDatabase } from "../support/database";
import { loader as payoutsPage } from "~/routes/admin.payouts._index";
import { loadConfig } from "~/lib/config.server";
import { testContext } from "../support/context";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";

const database = useTestDatabase();
const admin = { id: null, email: "admin@example.org" };
const onboardingUrls = {
  refreshUrl: "http://localhost:3000/account/payouts?refresh=1",
  returnUrl: "http://localhost:3000/account/payouts?done=1",
};
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  // Charges' funds available at once (Stripe's 0077 test card): waiting for them is payout-funds.test.ts.
  fake = await startStripeServer({ fundsPendingDays: 0 });
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

// The local server checks Checkout's expires_at against the real clock, as Stripe does: real time.
const now = () => new Date();
const deps = () => ({ db: database().db, gateway, defaultFeeBps: 500 });

/** The local server's card price (Stripe's EU one): 1.5 %, rounded, + 25 minor units. */
const cardFee = (amount: number) => Math.round((amount * 15) / 1000) + 25;

async function newOwner() {
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  return { id: await createUser(database().db, { email }), email };
}

/** The owner's Express account, created by onboarding and enabled by Stripe's account.updated. */
async function onboarded(owner: { id: string; email: string }) {
  const { db } = database();
  await startOnboarding({ db, gateway }, owner, onboardingUrls, now());
  const account = (await payoutAccountOf(db, owner.id))!;
  await apply(fake.completeOnboarding(account.accountId));
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: true });
  return account.accountId;
}

/** Every event applied as the webhook would, each once. */
async function apply(events: Stripe.Event[]) {
  const outcomes = [];
  for (const event of events) outcomes.push((await applyStripeEvent(database().db, event, now())).outcome);
  return outcomes;
}

/** A customer with a card saved through Checkout (setup mode), as an all-or-nothing backer has. */
async function savedCard(currency: string) {
  const session = await fake.stripe.checkout.sessions.create({
    mode: "setup",
    currency,
    success_url: "https://x.example/ok",
  });
  fake.completeCheckout(session.id);
  const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
  return { customer: String(setupIntent.customer), paymentMethod: String(setupIntent.payment_method) };
}

/**
 * A succeeded all-or-nothing campaign whose pledges were charged through Stripe by the charge run,
 * with Stripe's fees read back from the charges' balance transactions.
 */
async function chargedCampaign(
  owner: { id: string },
  amounts: number[],
  { currency = "EUR" }: { currency?: string } = {},
) {
  const { db, engine } = database();
  const campaign = await createCampaign(db, {
    owner_id: owner.id,
    status: "succeeded",
    currency,
    goal_amount: 1_000,
    deadline_at: "2026-11-01T22:59:59.999Z",
  });
  const pledges: string[] = [];
  for (const amount of amounts) {
    const { customer, paymentMethod } = await savedCard(currency.toLowerCase());
    pledges.push(
      await createPledge(db, campaign, {
        amount,
        currency,
        status: "committed",
        stripe_customer_id: customer,
        payment_method_id: paymentMethod,
        gateway: "stripe",
      }),
    );
  }
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: amounts.reduce((a, b) => a + b, 0), backer_count: amounts.length })
    .where("id", "=", campaign)
    .execute();
  const report = await runChargeRun({ db, engine, gateway, clock: now }, { rate: 100, concurrency: 4 });
  expect(report).toEqual({ charged: amounts.length, processing: 0, failed: 0, errors: 0 });
  expect(await recordProviderFees(db, gateway, now())).toBe(amounts.length);
  return { campaign, pledges };
}

/** Approves what is due; with an enabled Express account, it is sent at once by transfer. */
async function payOut(campaignId: string) {
  const { due } = await campaignStatement(database().db, campaignId, 500);
  return approvePayout(deps(), { campaignId, expectedAmount: due, actor: admin }, now());
}

const paymentIntentOf = async (pledgeId: string) =>
  (await getPledge(database().db, pledgeId))!.payment_intent_id!;

/** The ledger holds together, and the statement is what the owner's entries say. */
async function expectConsistent(campaignId: string, feeBps = 500) {
  const { db } = database();
  expect(await unbalancedTransactions(database().db)).toEqual([]);
  const statement = await campaignStatement(db, campaignId, feeBps);
  // 0 − x, not −x: a zero balance is 0, not −0.
  expect(0 - (await balance(db, ownerAccount(campaignId)))).toBe(statement.due);
  return statement;
}

/** One campaign's ledger transactions with their entries, in a stable order. */
async function ledgerOf(campaignId: string) {
  const { db } = database();
  const transactions = await db
    .selectFrom("ledger_transactions")
    .selectAll()
    .where("campaign_id", "=", campaignId)
    .orderBy("id")
    .execute();
  const entries = await db
    .selectFrom("ledger_entries")
    .selectAll()
    .where(
      "transaction_id",
      "in",
      transactions.map((t) => t.id),
    )
    .orderBy("id")
    .execute();
  return { transactions, entries };
}

/** Everything an import could touch, whole rows in a stable order. */
async function booksSnapshot() {
  const { db } = database();
  return {
    lines: await db.selectFrom("stripe_balance_lines").selectAll().orderBy("id").execute(),
    transactions: await db.selectFrom("ledger_transactions").selectAll().orderBy("id").execute(),
    entries: await db.selectFrom("ledger_entries").selectAll().orderBy("id").execute(),
    payouts: await db.selectFrom("payouts").selectAll().orderBy("id").execute(),
  };
}

const balanceListRequests = () =>
  fake.requests.filter((r) => r.method === "GET" && r.path === "/v1/balance_transactions");

/** Imports every line Stripe has (the local server holds this file's whole history). */
const importAll = (pageSize = 100) => importBalanceLines(deps(), { pageSize }, now());

const rowsOf = (campaignId: string) => reconcile(database().db, { campaignId });

const rowFor = async (campaignId: string, ref: string, category: string) =>
  (await rowsOf(campaignId)).find((r) => r.ref === ref && r.category === category);

test("a campaign from first pledge to reconciled payout", async () => {
  const { db } = database();
  const owner = await newOwner();

  // The owner connects an Express account through Stripe's hosted onboarding.
  const link = await startOnboarding({ db, gateway }, owner, onboardingUrls, now());
  const account = (await payoutAccountOf(db, owner.id))!;
  expect(account).toMatchObject({ accountId: expect.stringMatching(/^acct_/), payoutsEnabled: false });
  expect(link).toBe(`${fake.url}/connect/${account.accountId}`);
  expect(fake.accounts.get(account.accountId)?.type).toBe("express");
  const created = fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/accounts");
  expect(created.at(-1)).toMatchObject({
    status: 200,
    idempotencyKey: `express-account-${owner.id}`,
    params: {
      type: "express",
      email: owner.email,
      capabilities: { transfers: { requested: "true" } },
      metadata: { user_id: owner.id },
    },
  });
  // Clicking again (before finishing) gives a new link to the same account: no second account.
  await startOnboarding({ db, gateway }, owner, onboardingUrls, now());
  expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/accounts")).toHaveLength(
    created.length,
  );
  // Until Stripe says otherwise, an approval would be a bank transfer.
  expect((await payoutAccountOf(db, owner.id))?.payoutsEnabled).toBe(false);

  // Backers pledge on a flexible campaign: authorised at Checkout, captured once counted.
  const campaign = await createCampaign(db, {
    owner_id: owner.id,
    funding_model: "flexible",
    goal_amount: 10_000,
    deadline_at: new Date(Date.now() + 10 * 86_400_000).toISOString(),
  });
  const amounts = [2_000, 3_500, 5_000, 7_500, 10_000, 12_000];
  const pledges: string[] = [];
  for (const [i, amount] of amounts.entries()) {
    const { pledge } = await beginCheckout(
      { db, gateway, publicUrl: "http://localhost:3000", secret: "s".repeat(40) },
      {
        campaignId: campaign,
        tierId: null,
        amount,
        backerName: `Backer ${i}`,
        backerEmail: `backer-${i}@example.org`,
        comment: null,
        anonymous: false,
        locale: "fr",
        submissionKey: randomUUID(),
      },
      { slug: "atelier", title: "L'atelier", fundingModel: "flexible" },
      now(),
    );
    for (const event of fake.completeCheckout(pledge.checkout_session_id!)) {
      const { outcome, pledgeId } = await applyStripeEvent(db, event, now());
      expect(outcome).toBe("applied");
      // What the webhook handler does after the commit: capture the authorisation.
      if (pledgeId) await settleAuthorisation(db, gateway, pledgeId, now());
    }
    expect(await getPledge(db, pledge.id)).toMatchObject({ status: "collected" });
    pledges.push(pledge.id);
  }

  // Stripe's account.updated: onboarding is finished, payouts are enabled.
  const onboardingEvents = fake.completeOnboarding(account.accountId);
  expect(onboardingEvents.map((e) => e.type)).toEqual(["account.updated"]);
  expect(await apply(onboardingEvents)).toEqual(["applied"]);
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({
    payoutsEnabled: true,
    detailsSubmitted: true,
  });

  await db
    .updateTable("campaigns")
    .set({ status: "succeeded", closed_at: now().toISOString() })
    .where("id", "=", campaign)
    .execute();
  // Stripe's fees are not known yet: the statement is not final, nothing can be approved.
  await expect(
    approvePayout(deps(), { campaignId: campaign, expectedAmount: 1, actor: admin }, now()),
  ).rejects.toMatchObject({ code: "fees_pending" });
  expect(await recordProviderFees(db, gateway, now())).toBe(amounts.length);

  const fees = amounts.reduce((sum, a) => sum + cardFee(a), 0);
  expect(fees).toBe(751);
  // The fee posted is the one on Stripe's balance transaction, not our estimate of it.
  const charged = await Promise.all(pledges.map(paymentIntentOf));
  const stripeFees = charged.reduce((sum, pi) => {
    const charge = fake.charges.get(String(fake.paymentIntents.get(pi)?.latest_charge))!;
    return sum + fake.balanceTransactions.get(String(charge.balance_transaction))!.fee;
  }, 0);
  expect(stripeFees).toBe(fees);
  const statement = await campaignStatement(db, campaign, 500);
  expect(statement).toMatchObject({
    collected: 40_000,
    stripeFees: 751,
    platformFee: 2_000,
    due: 40_000 - 751 - 2_000,
  });

  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: statement.due, actor: admin },
    now(),
  );
  expect(payout).toMatchObject({
    method: "stripe",
    status: "sent",
    amount: 37_249,
    destination: account.accountId,
    transfer_id: expect.stringMatching(/^tr_/),
  });
  const transfer = fake.transfers.get(payout.transfer_id!);
  expect(transfer).toMatchObject({
    amount: 37_249,
    currency: "eur",
    destination: account.accountId,
    // Grouped with the campaign's charges (their PaymentIntents carry the same group).
    transfer_group: fake.paymentIntents.get(charged[0]!)?.transfer_group,
    metadata: { payout_id: payout.id, campaign_id: campaign },
  });
  expect(transfer?.transfer_group).toBe(`campaign-${campaign}`);
  const transferRequests = fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/transfers");
  expect(transferRequests.filter((r) => r.params.destination === account.accountId)).toEqual([
    expect.objectContaining({ status: 200, idempotencyKey: `payout-${payout.id}` }),
  ]);
  expect(await postedPlatformFee(database().db, campaign)).toBe(2_000);
  expect(await expectConsistent(campaign)).toMatchObject({ paidOut: 37_249, due: 0 });

  // Stripe's books, read two lines a page: every movement of the campaign is there, to the unit.
  const listsBefore = balanceListRequests().length;
  const imported = (await db.selectFrom("stripe_balance_lines").select("id").execute()).length;
  const first = await importBalanceLines(deps(), { pageSize: 2 }, now());
  const pages = balanceListRequests().slice(listsBefore);
  expect(pages.length).toBeGreaterThan(1);
  expect(pages.length).toBe(Math.ceil(fake.balanceTransactions.size / 2));
  expect(pages.every((r) => r.params.limit === "2")).toBe(true);
  expect(pages.slice(1).every((r) => typeof r.params.starting_after === "string")).toBe(true);
  expect(first.seen).toBe(fake.balanceTransactions.size);
  expect(first.added).toBe(fake.balanceTransactions.size - imported);
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "paid" });

  const rows = await rowsOf(campaign);
  expect(rows.map((r) => r.state)).toEqual(Array.from({ length: 7 }, () => "matched"));
  for (const [i, pi] of charged.entries()) {
    expect(rows.find((r) => r.ref === pi)).toMatchObject({
      category: "charge",
      ours: { amount: amounts[i], fee: cardFee(amounts[i]!) },
      stripe: { amount: amounts[i], fee: cardFee(amounts[i]!) },
    });
  }
  expect(rows.find((r) => r.category === "transfer")).toMatchObject({
    ref: payout.transfer_id,
    ours: { amount: -37_249, fee: 0 },
    stripe: { amount: -37_249, fee: 0 },
    lines: [transfer?.balance_transaction],
  });
  expect(problemsByCampaign(rows).size).toBe(0);

  // Importing again finds the same lines and changes nothing at all.
  const before = await booksSnapshot();
  const second = await importBalanceLines(deps(), { pageSize: 2 }, new Date(Date.now() + 60_000));
  expect(second).toEqual({ seen: first.seen, added: 0, payoutsPaid: 0 });
  expect(await booksSnapshot()).toStrictEqual(before);
});

test("a refund after the transfer is taken back by a reversal", async () => {
  const { db } = database();
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const { campaign, pledges } = await chargedCampaign(owner, [10_000, 6_000, 4_000]);
  const payout = await payOut(campaign);
  // 20 000 − Stripe's 175 + 115 + 85 − 5 % of 20 000.
  expect(payout).toMatchObject({ method: "stripe", status: "sent", amount: 18_625 });

  const refunded = pledges[0]!;
  await refundPledge({ db, gateway }, { pledgeId: refunded, amount: 3_000, reason: "Annulé" }, now());
  // The platform's fee follows the money kept: 5 % of 17 000, 150 less than was taken.
  const owing = await campaignStatement(db, campaign, 500);
  expect(owing).toMatchObject({ refunds: 3_000, platformFee: 850, paidOut: 18_625, due: -2_850 });

  const reversalsBefore = fake.transferReversals.size;
  expect(await reverseAfterPayouts(deps(), now())).toBe(1);
  expect(fake.transferReversals.size).toBe(reversalsBefore + 1);
  const reversal = [...fake.transferReversals.values()].at(-1)!;
  expect(reversal).toMatchObject({
    amount: 2_850,
    currency: "eur",
    transfer: payout.transfer_id,
    metadata: { payout_id: payout.id, campaign_id: campaign },
  });
  expect(fake.transfers.get(payout.transfer_id!)).toMatchObject({
    destination: accountId,
    amount_reversed: 2_850,
  });
  const written = await db
    .selectFrom("payout_reversals")
    .selectAll()
    .where("payout_id", "=", payout.id)
    .executeTakeFirst();
  expect(written).toMatchObject({ amount: 2_850, status: "done", reversal_id: reversal.id });
  const reversalRequests = fake.requests.filter(
    (r) => r.method === "POST" && r.path === `/v1/transfers/${payout.transfer_id}/reversals`,
  );
  expect(reversalRequests).toEqual([
    expect.objectContaining({
      status: 200,
      // The reversal written down before Stripe was asked names the key: a retry reverses it once.
      idempotencyKey: `reversal-${written!.id}`,
      params: expect.objectContaining({ amount: "2850" }),
    }),
  ]);
  const { transactions } = await ledgerOf(campaign);
  expect(transactions.filter((t) => t.kind === "reversal")).toEqual([
    expect.objectContaining({ provider_ref: payout.transfer_id, currency: "EUR" }),
  ]);
  expect(await postedPlatformFee(database().db, campaign)).toBe(850);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  expect(await expectConsistent(campaign)).toMatchObject({ reversed: 2_850, due: 0 });

  // Run again (the job every few minutes): nothing more is owed, nothing more is reversed.
  const ledgerBefore = await ledgerOf(campaign);
  expect(await reverseAfterPayouts(deps(), now())).toBe(0);
  expect(fake.transferReversals.size).toBe(reversalsBefore + 1);
  expect(await ledgerOf(campaign)).toStrictEqual(ledgerBefore);

  await importAll();
  const rows = await rowsOf(campaign);
  expect(rows.filter((r) => r.state !== "matched")).toEqual([]);
  const refundedIntent = await paymentIntentOf(refunded);
  expect(rows.find((r) => r.category === "refund")).toMatchObject({
    ref: refundedIntent,
    ours: { amount: -3_000, fee: 0 },
    stripe: { amount: -3_000, fee: 0 },
  });
  expect(rows.find((r) => r.category === "transfer_reversal")).toMatchObject({
    ref: payout.transfer_id,
    ours: { amount: 2_850, fee: 0 },
    stripe: { amount: 2_850, fee: 0 },
    lines: [reversal.balance_transaction],
  });
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "paid" });
});

test("a dispute lost after the payout", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign, pledges } = await chargedCampaign(owner, [8_000, 12_000]);
  const payout = await payOut(campaign);
  expect(payout).toMatchObject({ method: "stripe", status: "sent", amount: 20_000 - 145 - 205 - 1_000 });

  const disputedIntent = await paymentIntentOf(pledges[1]!);
  const opened = fake.dispute(disputedIntent);
  expect(opened.map((e) => e.type)).toEqual(["charge.dispute.created", "charge.dispute.funds_withdrawn"]);
  expect(await apply(opened)).toEqual(["applied", "applied"]);
  const disputeId = (opened[0]!.data.object as Stripe.Dispute).id;
  // Both events carry the same withdrawal: posted once, with Stripe's dispute fee.
  const { transactions } = await ledgerOf(campaign);
  expect(transactions.filter((t) => t.kind === "dispute")).toHaveLength(1);
  expect(transactions.filter((t) => t.kind === "dispute_fee")).toHaveLength(1);
  const statement = await campaignStatement(db, campaign, 500);
  expect(statement).toMatchObject({
    disputes: 12_000,
    stripeFees: 145 + 205 + 1_500,
    platformFee: 400,
    // 12 000 withdrawn + 1 500 fee, less the 600 of platform fee no longer earned.
    due: -12_900,
  });

  // Lost: the money was already withdrawn; closing it moves nothing more.
  const ledgerBefore = await ledgerOf(campaign);
  expect(await apply(fake.closeDispute(disputeId, "lost"))).toEqual(["applied"]);
  expect(await ledgerOf(campaign)).toStrictEqual(ledgerBefore);
  expect(await db.selectFrom("disputes").select("status").where("id", "=", disputeId).execute()).toEqual([
    { status: "lost" },
  ]);

  expect(await reverseAfterPayouts(deps(), now())).toBe(1);
  const reversal = [...fake.transferReversals.values()].at(-1)!;
  expect(reversal).toMatchObject({ amount: 12_900, transfer: payout.transfer_id });
  expect(await expectConsistent(campaign)).toMatchObject({ reversed: 12_900, due: 0 });
  expect(await reverseAfterPayouts(deps(), now())).toBe(0);

  await importAll();
  const rows = await rowsOf(campaign);
  expect(rows.filter((r) => r.state !== "matched")).toEqual([]);
  expect(rows.find((r) => r.category === "dispute")).toMatchObject({
    ref: disputedIntent,
    ours: { amount: -12_000, fee: 1_500 },
    stripe: { amount: -12_000, fee: 1_500 },
  });
  expect(rows.find((r) => r.category === "transfer_reversal")).toMatchObject({
    ref: payout.transfer_id,
    ours: { amount: 12_900, fee: 0 },
    stripe: { amount: 12_900, fee: 0 },
  });
});

test("a dispute after a bank payout is carried as the owner's debt: no reversal is attempted", async () => {
  const { db } = database();
  // No Express account: the owner is paid by a bank transfer that an admin records.
  const owner = await newOwner();
  const { campaign, pledges } = await chargedCampaign(owner, [9_000, 3_000]);
  const payout = await payOut(campaign);
  expect(payout).toMatchObject({ method: "bank", status: "approved", destination: null });
  expect(payout.amount).toBe(12_000 - 160 - 70 - 600);
  await markBankPayoutPaid(db, { payoutId: payout.id, reference: "VIR-2026-0042", actor: admin }, now());
  expect(await expectConsistent(campaign)).toMatchObject({ due: 0 });

  const disputedIntent = await paymentIntentOf(pledges[1]!);
  expect(await apply(fake.dispute(disputedIntent))).toEqual(["applied", "applied"]);
  const statement = await campaignStatement(db, campaign, 500);
  // 3 000 + the 1 500 fee − 150 of platform fee: carried to the next payout, shown as negative.
  expect(statement).toMatchObject({ disputes: 3_000, stripeFees: 230 + 1_500, platformFee: 450 });
  expect(statement.due).toBe(-4_350);

  const transfersBefore = fake.requests.filter((r) => r.path.startsWith("/v1/transfers")).length;
  await reverseAfterPayouts(deps(), now());
  expect(fake.requests.filter((r) => r.path.startsWith("/v1/transfers"))).toHaveLength(transfersBefore);
  expect((await ledgerOf(campaign)).transactions.filter((t) => t.kind === "reversal")).toEqual([]);
  await expect(
    approvePayout(deps(), { campaignId: campaign, expectedAmount: statement.due, actor: admin }, now()),
  ).rejects.toMatchObject({ code: "nothing_due" });
  // Once the fee is settled (as the next approval does), the owner's balance says the same.
  await settlePlatformFee(db, { id: campaign, currency: "EUR" }, 500, now());
  expect(await expectConsistent(campaign)).toMatchObject({ due: -4_350, reversed: 0 });

  await importAll();
  const rows = await rowsOf(campaign);
  expect(rows.map((r) => r.category).sort()).toEqual(["charge", "charge", "dispute"]);
  expect(rows.filter((r) => r.state !== "matched")).toEqual([]);
});

test("a fee override is charged at approval and the transfer pays what is left", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign } = await chargedCampaign(owner, [10_000, 10_000, 5_000]);
  // A minute before the approval, so the audit log's order is the order of the actions.
  await overridePlatformFee(
    db,
    { campaignId: campaign, feeBps: 300, actor: admin },
    new Date(Date.now() - 60_000),
  );

  const statement = await campaignStatement(db, campaign, 300);
  expect(statement).toMatchObject({ collected: 25_000, stripeFees: 450, platformFee: 750, due: 23_800 });
  // The platform's default rate is not this campaign's any more: 5 % would be a stale amount.
  await expect(
    approvePayout(
      deps(),
      { campaignId: campaign, expectedAmount: 25_000 - 450 - 1_250, actor: admin },
      now(),
    ),
  ).rejects.toMatchObject({ code: "stale_amount" });
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: 23_800, actor: admin },
    now(),
  );
  expect(payout).toMatchObject({ method: "stripe", status: "sent", amount: 23_800 });
  expect(fake.transfers.get(payout.transfer_id!)?.amount).toBe(23_800);
  expect(await postedPlatformFee(database().db, campaign)).toBe(750);
  expect(await expectConsistent(campaign, 300)).toMatchObject({ due: 0, feeBps: 300 });

  const audit = await auditEntries(db, { campaignId: campaign });
  expect(audit.map((e) => [e.action, e.actorEmail])).toEqual([
    ["payout.approve", "admin@example.org"],
    ["fee.override", "admin@example.org"],
  ]);
  expect(audit[0]).toMatchObject({
    subjectId: payout.id,
    details: { amount: 23_800, currency: "EUR", method: "stripe", feeBps: 300 },
  });
  expect(audit[1]?.details).toEqual({ from: null, to: 300 });
});

test("yen, to the unit", async () => {
  const { db } = database();
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const amounts = [12_345, 7_777, 3_001];
  const { campaign, pledges } = await chargedCampaign(owner, amounts, { currency: "JPY" });
  const intents = await Promise.all(pledges.map(paymentIntentOf));
  // Yen have no minor unit: 12 345 yen is charged as 12345, never 1234500.
  expect(intents.map((pi) => fake.paymentIntents.get(pi)).map((i) => [i?.amount, i?.currency])).toEqual(
    amounts.map((a) => [a, "jpy"]),
  );

  const statement = await campaignStatement(db, campaign, 500);
  // Stripe: 185 + 25, 117 + 25, 45 + 25; the platform: 5 % of 23 123 = 1 156.15.
  expect(statement).toMatchObject({ collected: 23_123, stripeFees: 422, platformFee: 1_156 });
  expect(statement.due).toBe(21_545);
  const payout = await payOut(campaign);
  expect(payout).toMatchObject({ method: "stripe", status: "sent", currency: "JPY", amount: 21_545 });
  expect(fake.transfers.get(payout.transfer_id!)).toMatchObject({
    amount: 21_545,
    currency: "jpy",
    destination: accountId,
  });
  expect(await expectConsistent(campaign)).toMatchObject({ due: 0 });

  await importAll();
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "paid" });
  const rows = await rowsOf(campaign);
  expect(rows.filter((r) => r.state !== "matched")).toEqual([]);
  // Largest first (a charge's amount; the transfer's is negative).
  const byAmount = rows.sort((a, b) => (b.stripe?.amount ?? 0) - (a.stripe?.amount ?? 0));
  expect(byAmount.map((r) => [r.category, r.currency, r.stripe])).toEqual([
    ["charge", "JPY", { amount: 12_345, fee: 210 }],
    ["charge", "JPY", { amount: 7_777, fee: 142 }],
    ["charge", "JPY", { amount: 3_001, fee: 70 }],
    ["transfer", "JPY", { amount: -21_545, fee: 0 }],
  ]);
  const lines = await db
    .selectFrom("stripe_balance_lines")
    .select(["currency", "amount", "fee", "net"])
    .where("match_ref", "=", intents[0]!)
    .execute();
  expect(lines).toEqual([{ currency: "JPY", amount: 12_345, fee: 210, net: 12_135 }]);
});

test("a mismatch, a Stripe line we cannot explain, and a movement Stripe does not show are reported", async () => {
  const { db } = database();
  const owner = await newOwner();
  const { campaign, pledges } = await chargedCampaign(owner, [5_000, 7_000]);
  const [tweaked, other] = await Promise.all(pledges.map(paymentIntentOf));

  // Before the import, the ledger has movements Stripe's imported books do not show yet.
  expect((await rowsOf(campaign)).map((r) => [r.ref, r.state]).sort()).toEqual(
    [
      [tweaked, "missing_stripe"],
      [other, "missing_stripe"],
    ].sort(),
  );

  // Money moved at Stripe outside the app: a charge made in the dashboard, a transfer by hand.
  const { customer, paymentMethod } = await savedCard("eur");
  const stray = await fake.stripe.paymentIntents.create({
    amount: 4_200,
    currency: "eur",
    customer,
    payment_method: paymentMethod,
    off_session: true,
    confirm: true,
  });
  const outsider = await fake.stripe.accounts.create({
    type: "express",
    capabilities: { transfers: { requested: true } },
  });
  fake.completeOnboarding(outsider.id);
  const handTransfer = await fake.stripe.transfers.create({
    amount: 1_234,
    currency: "eur",
    destination: outsider.id,
  });

  await importAll();
  expect((await rowsOf(campaign)).map((r) => r.state)).toEqual(["matched", "matched"]);
  const all = await reconcile(db);
  expect(all.find((r) => r.ref === stray.id)).toMatchObject({
    category: "charge",
    campaignId: null,
    state: "missing_ours",
    ours: null,
    stripe: { amount: 4_200, fee: cardFee(4_200) },
  });
  expect(all.find((r) => r.ref === handTransfer.id)).toMatchObject({
    category: "transfer",
    campaignId: null,
    state: "missing_ours",
    stripe: { amount: -1_234, fee: 0 },
  });

  // Stripe's line says another fee than the one we posted (as a fee adjusted after the fact would).
  await db
    .updateTable("stripe_balance_lines")
    .set((eb) => ({ fee: eb("fee", "+", 1), net: eb("net", "-", 1) }))
    .where("match_ref", "=", tweaked!)
    .execute();
  expect(await rowFor(campaign, tweaked!, "charge")).toMatchObject({
    state: "mismatch",
    ours: { amount: 5_000, fee: cardFee(5_000) },
    stripe: { amount: 5_000, fee: cardFee(5_000) + 1 },
  });
  const everything = await reconcile(db);
  const problems = problemsByCampaign(everything);
  expect(problems.get(campaign)).toBe(1);
  expect(problems.get(null)).toBe(2);
  // One campaign's rows, read with only its movements and lines, are its rows among everything.
  expect(await rowsOf(campaign)).toEqual(everything.filter((r) => r.campaignId === campaign));

  // Importing again does not overwrite what was imported: the mismatch stays until someone looks.
  expect((await importAll()).added).toBe(0);
  expect((await rowFor(campaign, tweaked!, "charge"))?.state).toBe("mismatch");
  await db
    .updateTable("stripe_balance_lines")
    .set((eb) => ({ fee: eb("fee", "-", 1), net: eb("net", "+", 1) }))
    .where("match_ref", "=", tweaked!)
    .execute();
  expect((await rowFor(campaign, tweaked!, "charge"))?.state).toBe("matched");
  expect(await unbalancedTransactions(database().db)).toEqual([]);
});

test("a Stripe payout to the platform's bank is imported by its id and its lines reconciled, on the admins' page too", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign, pledges } = await chargedCampaign(owner, [15_000, 9_900]);
  const payout = await payOut(campaign);
  expect(payout.status).toBe("sent");
  // Stripe pays the platform's available balance out to its bank: every line not yet paid out.
  const stripePayout = fake.payoutBalance("eur");

  await importBalanceLines(deps(), { payout: stripePayout.id, pageSize: 3 }, now());
  const lines = await db
    .selectFrom("stripe_balance_lines")
    .select(["category", "match_ref"])
    .where("payout_id", "=", stripePayout.id)
    .execute();
  const refs = [...(await Promise.all(pledges.map(paymentIntentOf))), payout.transfer_id];
  for (const ref of refs) expect(lines.map((l) => l.match_ref)).toContain(ref);
  // The payout's own line is the platform's, not a movement of a campaign.
  expect(lines.filter((l) => l.category === "payout")).toHaveLength(1);

  const rows = await reconcile(db, { stripePayout: stripePayout.id });
  const ours = rows.filter((r) => r.campaignId === campaign);
  expect(ours.map((r) => [r.category, r.state]).sort()).toEqual([
    ["charge", "matched"],
    ["charge", "matched"],
    ["transfer", "matched"],
  ]);
  expect(rows.every((r) => refs.includes(r.ref) || r.campaignId !== campaign)).toBe(true);

  const context = testContext(database(), {
    gateway,
    config: loadConfig({
      SESSION_SECRET: "stripe-payout-page-".padEnd(40, "x"),
      ADMIN_EMAILS: "payout-page-admin@example.org",
    }),
  });
  const admin = await signedInAs(context, "payout-page-admin@example.org");
  const page = await callRoute<Awaited<ReturnType<typeof payoutsPage>>>(payoutsPage, {
    url: `http://t/admin/payouts?stripePayout=${stripePayout.id}`,
    context,
    headers: { Cookie: admin.cookie },
  });
  expect(page.data?.stripePayout.rows?.filter((r) => r.campaignId === campaign)).toEqual(ours);
  const bad = await callRoute<Awaited<ReturnType<typeof payoutsPage>>>(payoutsPage, {
    url: "http://t/admin/payouts?stripePayout=tr_nope",
    context,
    headers: { Cookie: admin.cookie },
  });
  expect(bad.data?.stripePayout).toEqual({ id: "tr_nope", error: "payouts.error.stripePayout", rows: null });
});

test("a reversal Stripe made before a crash is finished, not made again larger, when another refund came in meanwhile", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign, pledges } = await chargedCampaign(owner, [10_000, 10_000]);
  const payout = await payOut(campaign);
  await refundPledge({ db, gateway }, { pledgeId: pledges[0]!, amount: 2_000, reason: "Annulé" }, now());

  // Stripe reverses, then the worker dies before the ledger hears of it.
  const connect = gateway.connect!;
  const crashing: PaymentGateway = {
    ...gateway,
    connect: {
      ...connect,
      async reverseTransfer(request) {
        await connect.reverseTransfer(request);
        throw new Error("worker killed");
      },
    },
  };
  await expect(reverseAfterPayouts({ ...deps(), gateway: crashing }, now())).rejects.toThrow("worker killed");
  const afterCrash = fake.transfers.get(payout.transfer_id!)!.amount_reversed;
  expect(afterCrash).toBe(1_900); // 2 000 refunded − the fee's 100 back

  // Another refund before the job runs again.
  await refundPledge({ db, gateway }, { pledgeId: pledges[1]!, amount: 1_000, reason: "Annulé" }, now());
  await reverseAfterPayouts(deps(), now());

  // Stripe reversed exactly what the owner owed in all: 1 900 + 950, once each.
  expect(fake.transfers.get(payout.transfer_id!)!.amount_reversed).toBe(2_850);
  expect(await expectConsistent(campaign)).toMatchObject({ reversed: 2_850, due: 0 });
  expect(await reverseAfterPayouts(deps(), now())).toBe(0);
  expect(fake.transfers.get(payout.transfer_id!)!.amount_reversed).toBe(2_850);

  // Two workers at once after one more refund: one reversal between them, for what is owed.
  await refundPledge({ db, gateway }, { pledgeId: pledges[1]!, amount: 2_000, reason: "Annulé" }, now());
  const [a, b] = await Promise.all([reverseAfterPayouts(deps(), now()), reverseAfterPayouts(deps(), now())]);
  expect(a + b).toBe(1);
  expect(fake.transfers.get(payout.transfer_id!)!.amount_reversed).toBe(2_850 + 1_900);
  expect(await expectConsistent(campaign)).toMatchObject({ reversed: 4_750, due: 0 });
});
