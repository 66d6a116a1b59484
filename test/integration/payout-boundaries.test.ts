// The payout rules at their boundaries (issue #11 item 15): who can be paid, the amount due at zero,
// the guarded moves out of `approved` (bank only for "paid", any for "failed", this campaign's only),
// the texts an admin gives (trimmed, three characters), a Stripe transfer refused for want of balance
// asked again exactly six hours later, any other refusal failing the payout, and reversals that take
// back at most what a transfer has left. Bank payouts through the simulated gateway; Stripe ones
// through the real SDK against the local Stripe-compatible server.
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { auditEntries } from "~/ledger/audit.server";
import { balance, ownerAccount, platformFee, post, simulatedStripeFee } from "~/ledger/ledger.server";
import type { PaymentGateway } from "~/payments/gateway";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { payoutAccountOf, startOnboarding } from "~/payouts/accounts.server";
import {
  approvePayout,
  campaignFundsAvailableAt,
  getPayout,
  isPayable,
  markBankPayoutPaid,
  markPayoutFailed,
  reverseAfterPayouts,
  sendApprovedPayouts,
  sendPayout,
  waitsForFunds,
} from "~/payouts/payouts.server";
import { importBalanceLines } from "~/payouts/reconciliation.server";
import { campaignStatement, settlePlatformFee } from "~/payouts/statement.server";
import { refundPledge } from "~/pledges/refunds.server";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { chargedStripeCampaign } from "../support/stripe-pledges";
import { useTestDatabase } from "../support/database";
import { collectedPledge, unbalancedTransactions } from "../support/ledger";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";

const database = useTestDatabase();
const admin = { id: null, email: "boundaries-admin@example.org" };
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  // Card funds available at once: a payout is sent at approval unless a test makes Stripe refuse it.
  fake = await startStripeServer({ fundsPendingDays: 0 });
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

const HOUR = 3_600_000;
// The local server checks some dates against the real clock, as Stripe does: real time for Stripe tests.
const now = () => new Date();
const bankDeps = () => ({
  db: database().db,
  gateway: createSimulatedGateway(database().db),
  defaultFeeBps: 500,
});
const stripeDeps = (g: PaymentGateway = gateway) => ({ db: database().db, gateway: g, defaultFeeBps: 500 });

// ---------------------------------------------------------------------------------------------
// Bank payouts (the simulated gateway has no Connect)

const pledgedAt = new Date("2026-11-30T12:00:00.000Z");
const at = new Date("2026-12-10T12:00:00.000Z");
const minutesLater = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

/** A flexible campaign, closed as succeeded, with these pledges collected through the simulated gateway. */
async function paidInCampaign(amounts: number[]) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  for (const amount of amounts) await collectedPledge(db, campaign, amount, pledgedAt);
  await db
    .updateTable("campaigns")
    .set({ status: "succeeded", closed_at: at.toISOString() })
    .where("id", "=", campaign)
    .execute();
  return campaign;
}

const dueOf = async (campaignId: string) => (await campaignStatement(database().db, campaignId, 500)).due;

async function approveBank(campaignId: string, when = at) {
  return approvePayout(
    bankDeps(),
    { campaignId, expectedAmount: await dueOf(campaignId), actor: admin },
    when,
  );
}

test("a campaign has money to pay out once succeeded, or flexible and closed, never when canceled", () => {
  const closed = "2026-12-01T00:00:00.000Z";
  const cases = [
    [{ status: "succeeded", funding_model: "all_or_nothing", closed_at: closed }, true],
    [{ status: "succeeded", funding_model: "flexible", closed_at: closed }, true],
    // A flexible campaign keeps what it raised even below its goal.
    [{ status: "failed", funding_model: "flexible", closed_at: closed }, true],
    [{ status: "failed", funding_model: "all_or_nothing", closed_at: closed }, false],
    [{ status: "live", funding_model: "flexible", closed_at: null }, false],
    [{ status: "canceled", funding_model: "flexible", closed_at: closed }, false],
    [{ status: "canceled", funding_model: "all_or_nothing", closed_at: closed }, false],
  ] as const;
  for (const [campaign, payable] of cases)
    expect([campaign, isPayable(campaign)]).toEqual([campaign, payable]);
});

test("a payout is waiting for its funds strictly before their date, and only while approved", () => {
  const date = "2026-12-10T00:00:00.000Z";
  const t = Date.parse(date);
  expect(waitsForFunds({ status: "approved", funds_available_at: date }, new Date(t - 1))).toBe(true);
  // At the very instant the funds are there: it is sent.
  expect(waitsForFunds({ status: "approved", funds_available_at: date }, new Date(t))).toBe(false);
  expect(waitsForFunds({ status: "approved", funds_available_at: null }, new Date(t))).toBe(false);
  for (const status of ["sent", "paid", "failed"] as const)
    expect(waitsForFunds({ status, funds_available_at: date }, new Date(t - 1))).toBe(false);
});

test("an unknown campaign or payout is a 404 with its code", async () => {
  const { db } = database();
  await expect(
    approvePayout(bankDeps(), { campaignId: randomUUID(), expectedAmount: 1, actor: admin }, at),
  ).rejects.toMatchObject({ code: "campaign_not_found", status: 404 });
  await expect(getPayout(db, randomUUID())).rejects.toMatchObject({ code: "payout_not_found", status: 404 });
});

test("when Stripe makes a campaign's funds available: its last collected or refunded Stripe payment's date", async () => {
  const { db } = database();
  // Live, so that no charge run of another test picks its committed pledge up.
  const campaign = await createCampaign(db, { status: "live" });
  expect(await campaignFundsAvailableAt(db, campaign)).toBeNull();
  const stripePledge = (status: "collected" | "refunded" | "committed" | "canceled", date: string) =>
    createPledge(db, campaign, { gateway: "stripe", status, funds_available_at: date });
  await stripePledge("collected", "2026-12-05T00:00:00.000Z");
  await stripePledge("collected", "2026-12-07T00:00:00.000Z");
  await stripePledge("collected", "2026-12-06T00:00:00.000Z");
  expect(await campaignFundsAvailableAt(db, campaign)).toBe("2026-12-07T00:00:00.000Z");
  // A refunded payment was charged all the same: its funds count.
  await stripePledge("refunded", "2026-12-08T00:00:00.000Z");
  expect(await campaignFundsAvailableAt(db, campaign)).toBe("2026-12-08T00:00:00.000Z");
  // Neither a pledge never charged nor another gateway's.
  await stripePledge("committed", "2026-12-20T00:00:00.000Z");
  await stripePledge("canceled", "2026-12-21T00:00:00.000Z");
  await createPledge(db, campaign, {
    gateway: "simulated",
    status: "collected",
    funds_available_at: "2026-12-22T00:00:00.000Z",
  });
  expect(await campaignFundsAvailableAt(db, campaign)).toBe("2026-12-08T00:00:00.000Z");
});

test("nothing is approved when exactly nothing is due; a payout the ledger does not back is refused", async () => {
  const { db } = database();
  const campaign = await paidInCampaign([10_000]);
  const payout = await approveBank(campaign);
  await markBankPayoutPaid(db, { payoutId: payout.id, reference: "VIR-0", actor: admin }, at);
  expect(await dueOf(campaign)).toBe(0);
  await expect(
    approvePayout(bankDeps(), { campaignId: campaign, expectedAmount: 0, actor: admin }, minutesLater(1)),
  ).rejects.toMatchObject({ code: "nothing_due" });
  expect(
    await db.selectFrom("payouts").select("id").where("campaign_id", "=", campaign).execute(),
  ).toHaveLength(1);

  // The platform fee cannot be posted (its key is taken): the owner's balance is not what the
  // statement says, and nothing is paid on the statement's word alone.
  const other = await paidInCampaign([20_000]);
  await post(
    db,
    {
      sourceKey: `platform_fee:${other}:1`,
      kind: "stripe_fee",
      campaignId: other,
      pledgeId: null,
      currency: "EUR",
    },
    [
      { account: ownerAccount(other), amount: 10 },
      { account: "stripe_fees", amount: -10 },
    ],
    at,
  );
  await expect(approveBank(other)).rejects.toMatchObject({ code: "ledger_mismatch" });
  expect(await db.selectFrom("payouts").select("id").where("campaign_id", "=", other).execute()).toEqual([]);
});

test("each payout of a campaign takes the next number", async () => {
  const { db } = database();
  const campaign = await paidInCampaign([30_000]);
  for (const n of [1, 2, 3]) {
    const payout = await approveBank(campaign, minutesLater(n));
    expect(payout.number).toBe(n);
    if (n < 3)
      await markPayoutFailed(db, { payoutId: payout.id, reason: "IBAN faux", actor: admin }, minutesLater(n));
  }
});

/**
 * On PostgreSQL, runs `work` while the audit log is held, until two transactions wait on a lock: both
 * approvals have then found no payout in flight and written their own, and the second can only be
 * refused by the one-in-flight index. SQLite runs one transaction at a time: there the second
 * approval sees the first's payout.
 */
async function bothPastTheirCheck<T>(work: () => Promise<T>): Promise<T> {
  const { db, engine } = database();
  if (engine !== "postgres") return work();
  let running!: Promise<T>;
  await db.transaction().execute(async (trx) => {
    await sql`lock table audit_log in share mode`.execute(trx);
    running = work();
    running.catch(() => {});
    for (let i = 0; i < 100; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      if (rows[0]!.n >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  return running;
}

test("two approvals at once: one payout, the other refused as in flight", async () => {
  const { db } = database();
  const campaign = await paidInCampaign([12_000, 8_000]);
  // The fee settled beforehand, so that neither approval waits on the other's fee posting.
  await settlePlatformFee(db, { id: campaign, currency: "EUR" }, 500, at);
  const due = await dueOf(campaign);
  const results = await bothPastTheirCheck(() =>
    Promise.allSettled(
      [0, 1].map(() =>
        approvePayout(bankDeps(), { campaignId: campaign, expectedAmount: due, actor: admin }, at),
      ),
    ),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  const refused = results.find((r) => r.status === "rejected");
  expect(refused?.reason).toMatchObject({ code: "payout_in_flight", status: 409 });
  expect(
    await db.selectFrom("payouts").select("amount").where("campaign_id", "=", campaign).execute(),
  ).toEqual([{ amount: due }]);
});

test("a bank payout is recorded paid with its reference trimmed, three characters at least, from the platform's bank", async () => {
  const { db } = database();
  const campaign = await paidInCampaign([15_000]);
  const payout = await approveBank(campaign);
  const amount = 15_000 - simulatedStripeFee(15_000) - platformFee(15_000, 500);
  expect(payout.amount).toBe(amount);

  // Two characters once trimmed, however many spaces around them.
  await expect(
    markBankPayoutPaid(db, { payoutId: payout.id, reference: "   AB   ", actor: admin }, at),
  ).rejects.toMatchObject({ code: "reference_required", field: "reference" });
  // From another campaign's page: not this payout.
  const elsewhere = await paidInCampaign([1_000]);
  await expect(
    markBankPayoutPaid(
      db,
      { payoutId: payout.id, campaignId: elsewhere, reference: "VIR", actor: admin },
      at,
    ),
  ).rejects.toMatchObject({ code: "payout_not_found", status: 404 });
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "approved", reference: null });

  const bankBefore = await balance(db, "platform_bank");
  const paid = await markBankPayoutPaid(
    db,
    { payoutId: payout.id, campaignId: campaign, reference: "  VIR  ", actor: admin },
    minutesLater(5),
  );
  expect(paid).toMatchObject({
    status: "paid",
    reference: "VIR",
    paid_at: minutesLater(5).toISOString(),
    sent_at: minutesLater(5).toISOString(),
  });
  expect(await balance(db, "platform_bank")).toBe(bankBefore - amount);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  const [entry] = await auditEntries(db, { campaignId: campaign });
  expect(entry).toMatchObject({
    action: "payout.mark_paid",
    subjectId: payout.id,
    details: { amount, currency: "EUR", reference: "VIR" },
  });
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("a payout is marked failed with its reason trimmed, three characters at least, and nothing moves", async () => {
  const { db } = database();
  const campaign = await paidInCampaign([9_000]);
  const payout = await approveBank(campaign);
  const elsewhere = await paidInCampaign([1_000]);
  const ledgerBefore = await db.selectFrom("ledger_transactions").select("id").orderBy("id").execute();

  await expect(
    markPayoutFailed(db, { payoutId: payout.id, reason: "  no  ", actor: admin }, at),
  ).rejects.toMatchObject({ code: "reason_required" });
  await expect(
    markPayoutFailed(
      db,
      { payoutId: payout.id, campaignId: elsewhere, reason: "Wrong IBAN", actor: admin },
      at,
    ),
  ).rejects.toMatchObject({ code: "payout_not_found" });
  expect((await getPayout(db, payout.id)).status).toBe("approved");

  const failed = await markPayoutFailed(
    db,
    { payoutId: payout.id, campaignId: campaign, reason: " Non ", actor: admin },
    minutesLater(3),
  );
  expect(failed).toMatchObject({
    status: "failed",
    failure_message: "Non",
    failed_at: minutesLater(3).toISOString(),
  });
  expect(await db.selectFrom("ledger_transactions").select("id").orderBy("id").execute()).toEqual(
    ledgerBefore,
  );
  const [entry] = await auditEntries(db, { campaignId: campaign });
  expect(entry).toMatchObject({
    action: "payout.mark_failed",
    details: { amount: payout.amount, currency: "EUR", reason: "Non" },
  });
  // Failed is final: a second decision is refused.
  await expect(
    markPayoutFailed(db, { payoutId: payout.id, reason: "Again", actor: admin }, at),
  ).rejects.toMatchObject({ code: "payout_state" });
});

// ---------------------------------------------------------------------------------------------
// Stripe payouts (Connect, through the local server)

async function newOwner() {
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  return { id: await createUser(database().db, { email }), email };
}

async function apply(events: Stripe.Event[]) {
  for (const event of events) await applyStripeEvent(database().db, event, now());
}

/** The owner's Express account, created by onboarding and enabled by Stripe's account.updated. */
async function onboarded(owner: { id: string; email: string }) {
  const { db } = database();
  const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };
  await startOnboarding({ db, gateway }, owner, urls, now());
  const { accountId } = (await payoutAccountOf(db, owner.id))!;
  await apply(fake.completeOnboarding(accountId));
  return accountId;
}

const chargedCampaign = (ownerId: string, amounts: number[]) =>
  chargedStripeCampaign(database(), gateway, fake, ownerId, amounts, now);

async function approveStripe(campaignId: string, when = now()) {
  return approvePayout(
    stripeDeps(),
    { campaignId, expectedAmount: await dueOf(campaignId), actor: admin },
    when,
  );
}

const transferRequests = (accountId: string) =>
  fake.requests.filter(
    (r) => r.method === "POST" && r.path === "/v1/transfers" && r.params.destination === accountId,
  );

/** Stripe's answer when the platform's available balance is short. */
const balanceShort = () =>
  fake.failNext(/^POST \/v1\/transfers$/, {
    status: 400,
    type: "invalid_request_error",
    code: "balance_insufficient",
    message: "You have insufficient available funds in your Stripe account.",
  });

test("a transfer refused for want of balance is asked again exactly six hours later, not a millisecond before", async () => {
  const { db } = database();
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const { campaign } = await chargedCampaign(owner.id, [10_000]);
  const approvedAt = now();
  balanceShort();
  const payout = await approveStripe(campaign, approvedAt);
  const retryAt = new Date(approvedAt.getTime() + 6 * HOUR);
  expect(payout).toMatchObject({
    method: "stripe",
    status: "approved",
    funds_available_at: retryAt.toISOString(),
    failure_message: null,
  });
  expect(transferRequests(accountId)).toHaveLength(1);

  await sendPayout(stripeDeps(), payout.id, new Date(retryAt.getTime() - 1));
  expect(await sendApprovedPayouts(stripeDeps(), new Date(retryAt.getTime() - 1))).toBe(0);
  expect(transferRequests(accountId)).toHaveLength(1);
  const sent = await sendPayout(stripeDeps(), payout.id, retryAt);
  expect(sent).toMatchObject({ status: "sent", sent_at: retryAt.toISOString() });
  expect(transferRequests(accountId).map((r) => [r.status, r.idempotencyKey])).toEqual([
    [400, `payout-${payout.id}`],
    [200, `payout-${payout.id}-funds-${retryAt.getTime()}`],
  ]);
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
});

test("a payout approved at the very instant its funds become available is sent at once under its own key", async () => {
  const { db } = database();
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const { campaign } = await chargedCampaign(owner.id, [7_000]);
  const fundsAt = (await campaignFundsAvailableAt(db, campaign))!;
  const payout = await approveStripe(campaign, new Date(fundsAt));
  expect(payout).toMatchObject({ status: "sent", funds_available_at: null });
  expect(transferRequests(accountId).map((r) => r.idempotencyKey)).toEqual([`payout-${payout.id}`]);
});

test("an owner whose Express account is not enabled yet is paid by bank transfer", async () => {
  const { db } = database();
  const owner = await newOwner();
  const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };
  await startOnboarding({ db, gateway }, owner, urls, now());
  const { campaign } = await chargedCampaign(owner.id, [5_000]);
  const payout = await approveStripe(campaign);
  expect(payout).toMatchObject({ method: "bank", status: "approved", destination: null });
  expect(await sendApprovedPayouts(stripeDeps(), now())).toBe(0);
  expect((await getPayout(db, payout.id)).status).toBe("approved");
});

test("with Stripe no longer configured, an owner whose Express account is enabled is paid by bank transfer", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign } = await chargedCampaign(owner.id, [5_500]);
  expect(await payoutAccountOf(db, owner.id)).toMatchObject({ payoutsEnabled: true });
  const payout = await approvePayout(
    stripeDeps(createSimulatedGateway(db)),
    { campaignId: campaign, expectedAmount: await dueOf(campaign), actor: admin },
    now(),
  );
  expect(payout).toMatchObject({
    method: "bank",
    status: "approved",
    destination: null,
    funds_available_at: null,
  });
});

test("a Stripe refusal other than the balance fails the payout with Stripe's words, and nothing moves", async () => {
  const { db } = database();
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const { campaign } = await chargedCampaign(owner.id, [8_000]);
  // Stripe restricts the account; its event has not reached us yet, so we still think it can be paid.
  fake.restrictAccount(accountId);
  const due = await dueOf(campaign);
  const failedAt = now();
  const payout = await approveStripe(campaign, failedAt);
  expect(payout).toMatchObject({
    method: "stripe",
    status: "failed",
    transfer_id: null,
    failed_at: failedAt.toISOString(),
    failure_message: expect.stringContaining("capabilities enabled: transfers"),
  });
  expect([...fake.transfers.values()].filter((t) => t.destination === accountId)).toEqual([]);
  const kinds = await db
    .selectFrom("ledger_transactions")
    .select("kind")
    .where("campaign_id", "=", campaign)
    .where("kind", "=", "payout")
    .execute();
  expect(kinds).toEqual([]);
  expect(await dueOf(campaign)).toBe(due);
});

test("an approved Stripe payout cannot be recorded as a bank payment, can be marked failed, and is then never sent", async () => {
  const { db } = database();
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const { campaign } = await chargedCampaign(owner.id, [6_000]);
  balanceShort();
  const payout = await approveStripe(campaign);
  expect(payout).toMatchObject({ method: "stripe", status: "approved" });

  await expect(
    markBankPayoutPaid(db, { payoutId: payout.id, reference: "VIR-STRIPE", actor: admin }, now()),
  ).rejects.toMatchObject({ code: "payout_state" });
  expect(await getPayout(db, payout.id)).toMatchObject({ status: "approved", reference: null });

  // Without Connect (the key removed from the configuration) nothing is sent, even after its date.
  const afterDate = new Date(Date.parse(payout.funds_available_at!) + HOUR);
  const simulated = createSimulatedGateway(db);
  expect(await sendApprovedPayouts(stripeDeps(simulated), afterDate)).toBe(0);
  expect(await sendPayout(stripeDeps(simulated), payout.id, afterDate)).toMatchObject({ status: "approved" });

  const failed = await markPayoutFailed(
    db,
    { payoutId: payout.id, reason: "Owner asked to wait", actor: admin },
    now(),
  );
  expect(failed).toMatchObject({ status: "failed", failure_message: "Owner asked to wait" });
  // A worker that had read it as approved calls Stripe for nothing: no transfer is made.
  expect(await sendPayout(stripeDeps(), payout.id, afterDate)).toMatchObject({ status: "failed" });
  expect(transferRequests(accountId)).toHaveLength(1);
  expect(await sendApprovedPayouts(stripeDeps(), afterDate)).toBe(0);
  expect(transferRequests(accountId)).toHaveLength(1);
});

test("a sent payout is not sent again", async () => {
  const owner = await newOwner();
  const accountId = await onboarded(owner);
  const { campaign } = await chargedCampaign(owner.id, [4_000]);
  const payout = await approveStripe(campaign);
  expect(payout.status).toBe("sent");
  expect(await sendPayout(stripeDeps(), payout.id, now())).toMatchObject({
    status: "sent",
    transfer_id: payout.transfer_id,
  });
  expect(transferRequests(accountId)).toHaveLength(1);
});

test("reversals take back at most what the transfer has left; what none can cover stays the owner's debt", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign, pledges } = await chargedCampaign(owner.id, [10_000, 10_000]);
  const payout = await approveStripe(campaign);
  expect(payout.status).toBe("sent");
  const stripeFees = (await campaignStatement(db, campaign, 500)).stripeFees;
  expect(payout.amount).toBe(20_000 - stripeFees - 1_000);

  await refundPledge({ db, gateway }, { pledgeId: pledges[0]!, amount: 10_000, reason: "Annulé" }, now());
  // Without Connect nothing is reversed, and nothing is written down to be reversed.
  expect(await reverseAfterPayouts(stripeDeps(createSimulatedGateway(db)), now())).toBe(0);
  expect(
    await db.selectFrom("payout_reversals").select("id").where("campaign_id", "=", campaign).execute(),
  ).toEqual([]);
  expect(await reverseAfterPayouts(stripeDeps(), now())).toBe(1);
  // 10 000 refunded, less the 500 of platform fee no longer earned.
  expect(fake.transfers.get(payout.transfer_id!)?.amount_reversed).toBe(9_500);

  // Stripe's books show the transfer: the payout is paid, and still reversible.
  await importBalanceLines(stripeDeps(), {}, now());
  expect((await getPayout(db, payout.id)).status).toBe("paid");
  await refundPledge({ db, gateway }, { pledgeId: pledges[1]!, amount: 10_000, reason: "Annulé" }, now());
  expect(await reverseAfterPayouts(stripeDeps(), now())).toBe(1);
  const left = payout.amount - 9_500;
  expect(fake.transfers.get(payout.transfer_id!)).toMatchObject({
    amount_reversed: payout.amount,
    reversed: true,
  });
  const reversals = await db
    .selectFrom("payout_reversals")
    .select(["amount", "status"])
    .where("campaign_id", "=", campaign)
    .orderBy("created_at")
    .orderBy("amount", "desc")
    .execute();
  expect(reversals.map((r) => [Number(r.amount), r.status]).sort()).toEqual(
    [
      [9_500, "done"],
      [left, "done"],
    ].sort(),
  );
  // Stripe's fees on the two payments are not given back: the owner owes them, carried, not reversed.
  const statement = await campaignStatement(db, campaign, 500);
  expect(statement).toMatchObject({ reversed: payout.amount, due: -stripeFees });
  expect(0 - (await balance(db, ownerAccount(campaign)))).toBe(-stripeFees);
  const requestsBefore = fake.requests.length;
  expect(await reverseAfterPayouts(stripeDeps(), now())).toBe(0);
  expect(fake.requests.slice(requestsBefore).filter((r) => r.path.includes("/reversals"))).toEqual([]);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("a reversal left half done by a crash is finished once and counted once, even by two workers at once", async () => {
  const { db } = database();
  const owner = await newOwner();
  await onboarded(owner);
  const { campaign, pledges } = await chargedCampaign(owner.id, [10_000, 10_000]);
  const payout = await approveStripe(campaign);
  await refundPledge({ db, gateway }, { pledgeId: pledges[0]!, amount: 2_000, reason: "Annulé" }, now());

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
  await expect(reverseAfterPayouts(stripeDeps(crashing), now())).rejects.toThrow("worker killed");
  const [pending] = await db
    .selectFrom("payout_reversals")
    .selectAll()
    .where("campaign_id", "=", campaign)
    .execute();
  expect(pending).toMatchObject({ status: "pending", amount: 1_900 });

  // Both workers read the pending reversal before either records it: each asks Stripe (the same key,
  // the same reversal), and only one posts it.
  let waiting: (() => void) | undefined;
  const bothAsked = new Promise<void>((resolve) => (waiting = resolve));
  let asked = 0;
  const meeting: PaymentGateway = {
    ...gateway,
    connect: {
      ...connect,
      async reverseTransfer(request) {
        const result = await connect.reverseTransfer(request);
        if (request.idempotencyKey !== `reversal-${pending!.id}`) return result;
        if (++asked === 1)
          await Promise.race([bothAsked, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        else waiting?.();
        return result;
      },
    },
  };
  const [a, b] = await Promise.all([
    reverseAfterPayouts(stripeDeps(meeting), now()),
    reverseAfterPayouts(stripeDeps(meeting), now()),
  ]);
  expect(asked).toBe(2);
  expect(a + b).toBe(1);
  expect(fake.transfers.get(payout.transfer_id!)?.amount_reversed).toBe(1_900);
  const posted = await db
    .selectFrom("ledger_transactions")
    .select("id")
    .where("campaign_id", "=", campaign)
    .where("kind", "=", "reversal")
    .execute();
  expect(posted).toHaveLength(1);
  expect(await campaignStatement(db, campaign, 500)).toMatchObject({ reversed: 1_900, due: 0 });

  // One worker alone finishing a crash's reversal counts it.
  await refundPledge({ db, gateway }, { pledgeId: pledges[1]!, amount: 1_000, reason: "Annulé" }, now());
  await expect(reverseAfterPayouts(stripeDeps(crashing), now())).rejects.toThrow("worker killed");
  expect(await reverseAfterPayouts(stripeDeps(), now())).toBe(1);
  expect(fake.transfers.get(payout.transfer_id!)?.amount_reversed).toBe(1_900 + 950);
});
