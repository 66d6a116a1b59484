// A Stripe payout waits for its campaign's card funds: Stripe keeps them pending for days after the
// charge and refuses a transfer from the platform's balance until then (balance_insufficient). The
// approved payout shows "waiting for funds until <date>" to the owner and the admins, and the job
// sends it on that date, through the real SDK against the local Stripe-compatible server.
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createStripeGateway } from "~/payments/stripe.server";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { payoutAccountOf, startOnboarding } from "~/payouts/accounts.server";
import { auditEntries } from "~/ledger/audit.server";
import { balance, ownerAccount } from "~/ledger/ledger.server";
import { campaignStatement } from "~/payouts/statement.server";
import { recordProviderFees } from "~/payouts/provider-fees.server";
import {
  approvePayout,
  campaignFundsAvailableAt,
  fundsRetryMs,
  getPayout,
  sendApprovedPayouts,
} from "~/payouts/payouts.server";
import { runChargeRun } from "~/pledges/charging.server";
import { translate } from "~/i18n/catalogue.server";
import { loadConfig } from "~/lib/config.server";
import { formatDateTime, platformTimeZone } from "~/lib/time";
import { loader as statementLoader } from "~/routes/admin.payouts.$id";
import { loader as queueLoader } from "~/routes/admin.payouts._index";
import { loader as ownerLoader } from "~/routes/manage.campaigns.$id_.statement";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { testContext } from "../support/context";
import { useTestDatabase } from "../support/database";
import { unbalancedTransactions } from "../support/ledger";
import { callRoute } from "../support/routes";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";
import { signedInAs } from "../support/users";

const database = useTestDatabase();
const admin = { id: null, email: "funds-admin@example.org" };
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  // Stripe's behaviour: a card charge's funds are pending for days (7 here, the first payouts' wait).
  fake = await startStripeServer();
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

const deps = () => ({ db: database().db, gateway, defaultFeeBps: 500 });
const DAY = 86_400_000;

/** Both clocks, the app's and Stripe's, at the same whole second. */
function clockAt(ms: number): Date {
  const at = new Date(Math.floor(ms / 1000) * 1000);
  fake.setTime(at.getTime() / 1000);
  return at;
}

async function onboardedOwner(now: Date) {
  const { db } = database();
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  const owner = { id: await createUser(db, { email }), email };
  const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };
  await startOnboarding({ db, gateway }, owner, urls, now);
  const { accountId } = (await payoutAccountOf(db, owner.id))!;
  for (const event of fake.completeOnboarding(accountId)) await applyStripeEvent(db, event, now);
  return { ...owner, accountId };
}

/** A succeeded all-or-nothing campaign charged by the charge run at `now`, with Stripe's fees read back. */
async function chargedCampaign(ownerId: string, amounts: number[], now: Date) {
  const { db, engine } = database();
  const campaign = await createCampaign(db, {
    owner_id: ownerId,
    status: "succeeded",
    goal_amount: 1_000,
    deadline_at: new Date(now.getTime() - 60_000).toISOString(),
  });
  for (const amount of amounts) {
    const session = await fake.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "eur",
      success_url: "https://x.example/ok",
    });
    fake.completeCheckout(session.id);
    const setupIntent = fake.setupIntents.get(String(fake.sessions.get(session.id)?.setup_intent))!;
    await createPledge(db, campaign, {
      amount,
      currency: "EUR",
      status: "committed",
      stripe_customer_id: String(setupIntent.customer),
      payment_method_id: String(setupIntent.payment_method),
      gateway: "stripe",
    });
  }
  const report = await runChargeRun({ db, engine, gateway, clock: () => now }, { rate: 100, concurrency: 2 });
  expect(report).toMatchObject({ charged: amounts.length, failed: 0 });
  expect(await recordProviderFees(db, gateway, now)).toBe(amounts.length);
  return campaign;
}

const transfersTo = (accountId: string) =>
  [...fake.transfers.values()].filter((t) => t.destination === accountId);
const transferRequests = (accountId: string) =>
  fake.requests.filter(
    (r) => r.method === "POST" && r.path === "/v1/transfers" && r.params.destination === accountId,
  );

test("an approved payout waits for the campaign's funds, shown to owner and admins, and the job sends it on the date", async () => {
  const { db } = database();
  const closedAt = clockAt(Date.UTC(2026, 11, 2, 9, 30));
  const owner = await onboardedOwner(closedAt);
  const campaign = await chargedCampaign(owner.id, [10_000, 6_000], closedAt);

  // Stripe said when each payment's funds become available: seven days on, at midnight UTC.
  const fundsAt = new Date(Date.UTC(2026, 11, 10)).toISOString();
  expect(await campaignFundsAvailableAt(db, campaign)).toBe(fundsAt);
  const platform = await fake.stripe.balance.retrieve();
  expect(platform.available.find((b) => b.currency === "eur")?.amount).toBe(0);

  const { due } = await campaignStatement(db, campaign, 500);
  expect(due).toBe(16_000 - 175 - 115 - 800);
  const approvedAt = clockAt(closedAt.getTime() + 3_600_000);
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: due, actor: admin },
    approvedAt,
  );
  expect(payout).toMatchObject({
    method: "stripe",
    status: "approved",
    amount: due,
    destination: owner.accountId,
    funds_available_at: fundsAt,
    transfer_id: null,
  });
  // Nothing was asked of Stripe: it would have refused (balance_insufficient).
  expect(transferRequests(owner.accountId)).toEqual([]);
  const [approval] = await auditEntries(db, { campaignId: campaign });
  expect(approval).toMatchObject({ action: "payout.approve", details: { fundsAvailableAt: fundsAt } });

  // The owner's statement and the admins' pages say until when, in both languages.
  const context = testContext(database(), {
    gateway,
    config: loadConfig({ SESSION_SECRET: "payout-funds-".padEnd(40, "x"), ADMIN_EMAILS: admin.email }),
  });
  const asAdmin = await signedInAs(context, admin.email);
  const asOwner = await signedInAs(context, owner.email);
  const ownerPage = await callRoute<{ payouts: Array<{ waitingForFundsUntil: string | null }> }>(
    ownerLoader,
    {
      url: `http://t/manage/campaigns/${campaign}/statement`,
      params: { id: campaign },
      context,
      headers: { Cookie: asOwner.cookie },
    },
  );
  expect(ownerPage.data?.payouts).toEqual([expect.objectContaining({ waitingForFundsUntil: fundsAt })]);
  const adminPage = await callRoute<{ payouts: Array<{ waitingForFundsUntil: string | null }> }>(
    statementLoader,
    {
      url: `http://t/admin/payouts/${campaign}`,
      params: { id: campaign },
      context,
      headers: { Cookie: asAdmin.cookie },
    },
  );
  expect(adminPage.data?.payouts).toEqual([
    expect.objectContaining({ status: "approved", waitingForFundsUntil: fundsAt }),
  ]);
  const queue = await callRoute<{
    queue: { approved: Array<{ id: string; waitingForFundsUntil: string | null }> };
  }>(queueLoader, { url: "http://t/admin/payouts", context, headers: { Cookie: asAdmin.cookie } });
  expect(queue.data?.queue.approved.find((p) => p.id === payout.id)?.waitingForFundsUntil).toBe(fundsAt);
  const shown = (locale: "fr" | "en") =>
    translate(locale, "payouts.waitingForFunds", {
      date: formatDateTime(fundsAt, platformTimeZone, locale === "fr" ? "fr-FR" : "en-GB"),
    });
  expect(shown("fr")).toBe(
    "En attente des fonds jusqu'au 10 déc. 2026, 01:00 : envoyé automatiquement ensuite.",
  );
  expect(shown("en")).toBe("Waiting for funds until 10 Dec 2026, 01:00: sent automatically then.");

  // The job, a minute before the date: still waiting, Stripe not asked.
  const before = clockAt(Date.parse(fundsAt) - 60_000);
  await sendApprovedPayouts(deps(), before);
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "approved", transfer_id: null });
  expect(transferRequests(owner.accountId)).toEqual([]);

  // On the date the funds are available at Stripe, and the job sends the payout, once.
  const onTheDate = clockAt(Date.parse(fundsAt) + 30_000);
  await sendApprovedPayouts(deps(), onTheDate);
  const sent = await getPayout(db, payout.id);
  expect(sent).toMatchObject({ status: "sent", sent_at: onTheDate.toISOString() });
  expect(transfersTo(owner.accountId)).toEqual([
    expect.objectContaining({
      id: sent.transfer_id,
      amount: due,
      currency: "eur",
      transfer_group: `campaign-${campaign}`,
    }),
  ]);
  expect(transferRequests(owner.accountId)).toEqual([
    expect.objectContaining({
      status: 200,
      idempotencyKey: `payout-${payout.id}-funds-${Date.parse(fundsAt)}`,
    }),
  ]);
  await sendApprovedPayouts(deps(), new Date(onTheDate.getTime() + 60_000));
  expect(transfersTo(owner.accountId)).toHaveLength(1);
  const pages = await callRoute<{ payouts: Array<{ waitingForFundsUntil: string | null }> }>(ownerLoader, {
    url: `http://t/manage/campaigns/${campaign}/statement`,
    params: { id: campaign },
    context,
    headers: { Cookie: asOwner.cookie },
  });
  expect(pages.data?.payouts).toEqual([expect.objectContaining({ waitingForFundsUntil: null })]);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("Stripe refusing for want of available balance on the date keeps the payout waiting, asked again later under a new key", async () => {
  const { db } = database();
  const closedAt = clockAt(Date.UTC(2026, 11, 20, 14));
  const owner = await onboardedOwner(closedAt);
  const campaign = await chargedCampaign(owner.id, [20_000], closedAt);
  const { due } = await campaignStatement(db, campaign, 500);
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: due, actor: admin },
    closedAt,
  );
  const fundsAt = payout.funds_available_at!;
  expect(Date.parse(fundsAt) - closedAt.getTime()).toBeGreaterThanOrEqual(7 * DAY);

  // Meanwhile the platform's available balance went elsewhere (a transfer made by hand in the dashboard).
  const onTheDate = clockAt(Date.parse(fundsAt) + 1_000);
  const elsewhere = await fake.stripe.accounts.create({
    type: "express",
    capabilities: { transfers: { requested: true } },
  });
  fake.completeOnboarding(elsewhere.id);
  const eurAvailable = (b: Stripe.Balance) => b.available.find((x) => x.currency === "eur")?.amount ?? 0;
  const handTransfer = await fake.stripe.transfers.create({
    amount: eurAvailable(await fake.stripe.balance.retrieve()) - due + 1,
    currency: "eur",
    destination: elsewhere.id,
  });

  await sendApprovedPayouts(deps(), onTheDate);
  const waiting = await getPayout(db, payout.id);
  const retryAt = new Date(onTheDate.getTime() + fundsRetryMs).toISOString();
  expect(waiting).toMatchObject({ status: "approved", funds_available_at: retryAt, failure_message: null });
  expect(transferRequests(owner.accountId)).toEqual([
    expect.objectContaining({
      status: 400,
      idempotencyKey: `payout-${payout.id}-funds-${Date.parse(fundsAt)}`,
    }),
  ]);
  // Before the new date the job leaves it alone.
  await sendApprovedPayouts(deps(), clockAt(Date.parse(retryAt) - 1_000));
  expect(transferRequests(owner.accountId)).toHaveLength(1);

  // The money comes back (the hand transfer reversed): the next attempt, with its own key, goes through.
  await fake.stripe.transfers.createReversal(handTransfer.id);
  const later = clockAt(Date.parse(retryAt) + 1_000);
  await sendApprovedPayouts(deps(), later);
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "sent", funds_available_at: retryAt });
  expect(transferRequests(owner.accountId).map((r) => [r.status, r.idempotencyKey])).toEqual([
    [400, `payout-${payout.id}-funds-${Date.parse(fundsAt)}`],
    [200, `payout-${payout.id}-funds-${Date.parse(retryAt)}`],
  ]);
  expect(transfersTo(owner.accountId)).toEqual([expect.objectContaining({ amount: due })]);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
});

test("a payout whose funds are already available is sent at approval, under the payout's own key", async () => {
  const { db } = database();
  const closedAt = clockAt(Date.UTC(2027, 0, 5, 8));
  const owner = await onboardedOwner(closedAt);
  const campaign = await chargedCampaign(owner.id, [5_000], closedAt);
  const approvedAt = clockAt(Date.parse((await campaignFundsAvailableAt(db, campaign))!) + 3_600_000);
  const { due } = await campaignStatement(db, campaign, 500);
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: due, actor: admin },
    approvedAt,
  );
  expect(payout).toMatchObject({ status: "sent", funds_available_at: null });
  expect(transferRequests(owner.accountId)).toEqual([
    expect.objectContaining({ status: 200, idempotencyKey: `payout-${payout.id}` }),
  ]);
});
