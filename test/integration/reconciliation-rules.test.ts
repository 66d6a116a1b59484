// Reconciliation at its edges (issue #11 item 15): a line imported again by its Stripe payout learns
// that payout, the payouts Stripe shows paid are counted, a Stripe payout's rows are its lines' only,
// Stripe's own payout line is nobody's movement, money moved in Stripe's dashboard on our payments and
// transfers shows on the campaign it belongs to, an amount off by one unit is a mismatch, and a won
// dispute's reinstatement nets against its withdrawal. Through the real SDK against the local server.
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, test } from "vitest";
import { applyStripeEvent } from "~/checkout/webhooks.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { payoutAccountOf, startOnboarding } from "~/payouts/accounts.server";
import { approvePayout } from "~/payouts/payouts.server";
import { importBalanceLines, reconcile } from "~/payouts/reconciliation.server";
import { campaignStatement } from "~/payouts/statement.server";
import { getPledge } from "~/pledges/pledges.server";
import { createUser } from "../support/factories";
import { chargedStripeCampaign } from "../support/stripe-pledges";
import { useTestDatabase } from "../support/database";
import { startStripeServer, type FakeStripe } from "../support/stripe-server";

const database = useTestDatabase();
const admin = { id: null, email: "reconciliation-admin@example.org" };
let fake: FakeStripe;
let gateway: ReturnType<typeof createStripeGateway>;

beforeAll(async () => {
  fake = await startStripeServer({ fundsPendingDays: 0 });
  gateway = createStripeGateway({ secretKey: fake.apiKey, apiUrl: fake.url });
});
afterAll(async () => {
  await fake?.close();
});

const now = () => new Date();
const deps = () => ({ db: database().db, gateway, defaultFeeBps: 500 });
const importAll = () => importBalanceLines(deps(), {}, now());
const categories = ["charge", "refund", "dispute", "transfer", "transfer_reversal"];

async function apply(events: Stripe.Event[]) {
  for (const event of events) await applyStripeEvent(database().db, event, now());
}

async function onboardedOwner() {
  const { db } = database();
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  const owner = { id: await createUser(db, { email }), email };
  const urls = { refreshUrl: "http://localhost:3000/a", returnUrl: "http://localhost:3000/b" };
  await startOnboarding({ db, gateway }, owner, urls, now());
  await apply(fake.completeOnboarding((await payoutAccountOf(db, owner.id))!.accountId));
  return owner;
}

/** A succeeded campaign charged through Stripe, its fees read back; returns it and its payment intents. */
async function chargedCampaign(ownerId: string, amounts: number[]) {
  const { campaign, pledges } = await chargedStripeCampaign(database(), gateway, fake, ownerId, amounts, now);
  const { db } = database();
  const intents = await Promise.all(pledges.map(async (p) => (await getPledge(db, p))!.payment_intent_id!));
  return { campaign, intents };
}

async function payOut(campaignId: string) {
  const { due } = await campaignStatement(database().db, campaignId, 500);
  const payout = await approvePayout(deps(), { campaignId, expectedAmount: due, actor: admin }, now());
  expect(payout.status).toBe("sent");
  return payout;
}

const linesOf = (refs: string[]) =>
  database()
    .db.selectFrom("stripe_balance_lines")
    .select(["match_ref", "payout_id"])
    .where("match_ref", "in", refs)
    .execute();

test("without Stripe there is nothing to import", async () => {
  const { db } = database();
  await expect(
    importBalanceLines({ db, gateway: createSimulatedGateway(db) }, {}, now()),
  ).rejects.toMatchObject({ code: "connect_unavailable" });
});

test("lines imported before their Stripe payout learn it when it is imported; only its lines are its rows", async () => {
  const { db } = database();
  const owner = await onboardedOwner();
  const { campaign, intents } = await chargedCampaign(owner.id, [9_000, 6_000]);
  const payout = await payOut(campaign);
  const refs = [...intents, payout.transfer_id!];

  const first = await importAll();
  expect(first.payoutsPaid).toBe(1);
  expect((await linesOf(refs)).map((l) => l.payout_id)).toEqual([null, null, null]);

  // Stripe pays the platform's balance out to its bank: the lines above are in that payout.
  const stripePayout = fake.payoutBalance("eur");
  const byPayout = await importBalanceLines(deps(), { payout: stripePayout.id }, now());
  expect(byPayout).toMatchObject({ added: 1, payoutsPaid: 0 });
  expect((await linesOf(refs)).map((l) => l.payout_id)).toEqual([
    stripePayout.id,
    stripePayout.id,
    stripePayout.id,
  ]);

  // A campaign charged after that payout: its lines are imported, but are not in it.
  const later = await chargedCampaign(owner.id, [4_000]);
  await importAll();
  expect(await linesOf(later.intents)).toEqual([{ match_ref: later.intents[0], payout_id: null }]);
  const rows = await reconcile(db, { stripePayout: stripePayout.id });
  expect(rows.map((r) => r.ref).sort()).toEqual([...refs].sort());
  expect(rows.every((r) => r.state === "matched")).toBe(true);

  // Stripe's payout to the platform's bank is the platform's own: no row for it, anywhere.
  const everything = await reconcile(db);
  expect(everything.filter((r) => !categories.includes(r.category))).toEqual([]);
  expect(everything.find((r) => r.ref === stripePayout.id)).toBeUndefined();
  expect(everything.find((r) => r.ref === later.intents[0])).toMatchObject({
    campaignId: later.campaign,
    state: "matched",
  });
});

test("a refund and a reversal made in Stripe's dashboard show on their campaign; an amount one unit off is a mismatch", async () => {
  const { db } = database();
  const owner = await onboardedOwner();
  const { campaign, intents } = await chargedCampaign(owner.id, [6_000, 4_000]);
  const payout = await payOut(campaign);
  await importAll();
  expect((await reconcile(db, { campaignId: campaign })).map((r) => r.state)).toEqual([
    "matched",
    "matched",
    "matched",
  ]);

  await fake.stripe.refunds.create({ payment_intent: intents[0]!, amount: 500 });
  await fake.stripe.transfers.createReversal(payout.transfer_id!, { amount: 100 });
  await importAll();
  const rows = await reconcile(db, { campaignId: campaign });
  expect(rows.find((r) => r.category === "refund")).toMatchObject({
    ref: intents[0],
    campaignId: campaign,
    state: "missing_ours",
    ours: null,
    stripe: { amount: -500, fee: 0 },
  });
  expect(rows.find((r) => r.category === "transfer_reversal")).toMatchObject({
    ref: payout.transfer_id,
    campaignId: campaign,
    state: "missing_ours",
    stripe: { amount: 100, fee: 0 },
  });
  expect((await reconcile(db)).filter((r) => r.campaignId === campaign)).toEqual(rows);

  // Stripe's line says one unit more than we collected, with the same fee.
  await db
    .updateTable("stripe_balance_lines")
    .set((eb) => ({ amount: eb("amount", "+", 1), net: eb("net", "+", 1) }))
    .where("match_ref", "=", intents[1]!)
    .where("category", "=", "charge")
    .execute();
  const charge = (await reconcile(db, { campaignId: campaign })).find(
    (r) => r.ref === intents[1] && r.category === "charge",
  );
  expect(charge).toMatchObject({ state: "mismatch", ours: { amount: 4_000 }, stripe: { amount: 4_001 } });
  expect(charge?.ours?.fee).toBe(charge?.stripe?.fee);
});

test("a won dispute's reinstatement nets against its withdrawal, to the unit", async () => {
  const { db } = database();
  const owner = await onboardedOwner();
  const { campaign, intents } = await chargedCampaign(owner.id, [5_000]);
  const opened = fake.dispute(intents[0]!);
  await apply(opened);
  await apply(fake.closeDispute((opened[0]!.data.object as Stripe.Dispute).id, "won"));
  await importAll();
  const dispute = (await reconcile(db, { campaignId: campaign })).find((r) => r.category === "dispute");
  expect(dispute).toMatchObject({ state: "matched", stripe: { amount: 0, fee: 1_500 }, ours: { amount: 0 } });
  expect(dispute?.lines).toHaveLength(2);
});
