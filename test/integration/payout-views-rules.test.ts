// The payout read models at their edges (issue #11 item 15): which campaigns the admins' queue puts
// up for review (nothing in flight: an approved or sent payout holds a campaign back, a paid or failed
// one does not), each payout list holding its own state only, when a statement can be approved (payable,
// no fee awaited, nothing in flight, at least one unit due), how the next payout would go, and the
// accountant's reconciliation CSV with both sides' amounts and empty cells where a side is missing.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { Payout } from "#db/schema.ts";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createStripeGateway } from "~/payments/stripe.server";
import { collectPledge } from "~/pledges/pledges.server";
import { payoutQueue, reconciliationCsv, statementView } from "~/payouts/views.server";
import { createCampaign, createPledge, createUser } from "../support/factories";
import { collectedPledge } from "../support/ledger";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const at = new Date("2026-11-30T12:00:00.000Z");
// Never called: only whether the gateway offers Connect is read.
const stripeGateway = () => createStripeGateway({ secretKey: "sk_test_views", apiUrl: "http://127.0.0.1:9" });

/** A closed flexible campaign with simulated payments collected (their fees posted): something due. */
async function payableCampaign(amounts: number[], values: { owner_id?: string } = {}) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible", ...values });
  for (const amount of amounts) await collectedPledge(db, campaign, amount, at);
  await db
    .updateTable("campaigns")
    .set({ status: "succeeded", closed_at: at.toISOString() })
    .where("id", "=", campaign)
    .execute();
  return campaign;
}

async function insertPayout(
  campaignId: string,
  values: { status: Payout["status"]; method?: Payout["method"]; number?: number; fundsAt?: string | null },
) {
  const id = randomUUID();
  await database()
    .db.insertInto("payouts")
    .values({
      id,
      campaign_id: campaignId,
      number: values.number ?? 1,
      currency: "EUR",
      amount: 1_000,
      method: values.method ?? "bank",
      status: values.status,
      destination: null,
      transfer_id: null,
      reference: null,
      failure_message: null,
      approved_by: "admin@example.org",
      approved_at: at.toISOString(),
      sent_at: null,
      paid_at: null,
      failed_at: null,
      updated_at: at.toISOString(),
      funds_available_at: values.fundsAt ?? null,
    })
    .execute();
  return id;
}

let lineNumber = 0;
async function stripeLine(matchRef: string, values: { category: string; amount: number; fee?: number }) {
  // Ids in the order made: lines of one row are listed in that order.
  const id = `txn_${String(++lineNumber).padStart(4, "0")}_${randomUUID().slice(0, 8)}`;
  await database()
    .db.insertInto("stripe_balance_lines")
    .values({
      id,
      created_at: at.toISOString(),
      type: values.category,
      category: values.category,
      amount: values.amount,
      fee: values.fee ?? 0,
      net: values.amount - (values.fee ?? 0),
      currency: "EUR",
      source_id: null,
      match_ref: matchRef,
      payout_id: null,
      imported_at: at.toISOString(),
    })
    .execute();
  return id;
}

test("the queue holds back a campaign with an approved or sent payout, not one whose payout was paid or failed", async () => {
  const free = await payableCampaign([10_000]);
  const approved = await payableCampaign([10_000]);
  const sent = await payableCampaign([10_000]);
  const paid = await payableCampaign([10_000]);
  const failed = await payableCampaign([10_000]);
  const approvedPayout = await insertPayout(approved, { status: "approved" });
  const sentPayout = await insertPayout(sent, { status: "sent" });
  const paidPayout = await insertPayout(paid, { status: "paid" });
  const failedPayout = await insertPayout(failed, { status: "failed" });
  const ours = new Set<string>([free, approved, sent, paid, failed]);

  const queue = await payoutQueue(database().db, 500);
  expect(
    queue.toReview
      .map((c) => c.campaignId)
      .filter((id) => ours.has(id))
      .sort(),
  ).toEqual([free, paid, failed].sort());
  const idsOf = (rows: { id: string; campaignId: string }[]) =>
    rows.filter((p) => ours.has(p.campaignId)).map((p) => p.id);
  // Each list holds its own state only, with no problems counted as 0 (not missing).
  expect(idsOf(queue.approved)).toEqual([approvedPayout]);
  expect(idsOf(queue.sent)).toEqual([sentPayout]);
  expect(idsOf(queue.paid)).toEqual([paidPayout]);
  expect(idsOf(queue.failed)).toEqual([failedPayout]);
  expect(queue.approved.find((p) => p.id === approvedPayout)?.problems).toBe(0);
});

test("a payout row counts its campaign's reconciliation problems", async () => {
  const { db } = database();
  const campaign = await payableCampaign([10_000]);
  const payout = await insertPayout(campaign, { status: "failed" });
  const pledge = await createPledge(db, campaign, { gateway: "stripe", status: "committed" });
  await collectPledge(db, pledge, { paymentIntentId: `pi_${pledge}` }, at);
  // Ours with no line at Stripe, and a refund at Stripe that we never made: two problems.
  await stripeLine(`pi_${pledge}`, { category: "refund", amount: -500 });
  const queue = await payoutQueue(db, 500);
  expect(queue.failed.find((p) => p.id === payout)?.problems).toBe(2);
});

test("only an approved Stripe payout waits for its funds; a bank one or a sent one does not", async () => {
  const fundsAt = "2026-12-05T00:00:00.000Z";
  const until = async (values: Parameters<typeof insertPayout>[1]) => {
    const campaign = await payableCampaign([10_000]);
    const payout = await insertPayout(campaign, { ...values, fundsAt });
    const view = await statementView(
      { db: database().db, gateway: createSimulatedGateway(database().db), defaultFeeBps: 500 },
      campaign,
      { withAudit: false },
    );
    return view!.payouts.find((p) => p.id === payout)!.waitingForFundsUntil;
  };
  expect(await until({ status: "approved", method: "stripe" })).toBe(fundsAt);
  expect(await until({ status: "approved", method: "bank" })).toBeNull();
  expect(await until({ status: "sent", method: "stripe" })).toBeNull();
  expect(await until({ status: "paid", method: "stripe" })).toBeNull();
});

test("a statement is approvable only when payable, no fee awaited, nothing in flight and at least one unit due", async () => {
  const { db } = database();
  const deps = { db, gateway: createSimulatedGateway(db), defaultFeeBps: 500 };
  const approvable = async (campaign: string) =>
    (await statementView(deps, campaign, { withAudit: false }))!.approvable;

  expect(await approvable(await payableCampaign([10_000]))).toBe(true);
  // Nothing due: exactly zero is not approvable.
  const nothing = await payableCampaign([]);
  expect((await statementView(deps, nothing, { withAudit: false }))!.statement.due).toBe(0);
  expect(await approvable(nothing)).toBe(false);
  // Still live: money due, but not payable yet.
  const live = await createCampaign(db, { funding_model: "flexible" });
  await collectedPledge(db, live, 10_000, at);
  expect(await approvable(live)).toBe(false);
  // A Stripe payment whose fee Stripe has not told yet.
  const awaiting = await payableCampaign([10_000]);
  await createPledge(db, awaiting, {
    gateway: "stripe",
    status: "collected",
    payment_intent_id: "pi_fee_" + awaiting,
  });
  expect((await statementView(deps, awaiting, { withAudit: false }))!.feesPending).toBe(1);
  expect(await approvable(awaiting)).toBe(false);
  // In flight (approved, sent) or not (paid, failed).
  for (const [status, expected] of [
    ["approved", false],
    ["sent", false],
    ["paid", true],
    ["failed", true],
  ] as const) {
    const campaign = await payableCampaign([10_000]);
    await insertPayout(campaign, { status });
    expect({ status, approvable: await approvable(campaign) }).toEqual({ status, approvable: expected });
  }
});

test("the next payout goes by Stripe only with Connect and an account that can be paid", async () => {
  const { db } = database();
  const methodOf = async (
    gateway: ReturnType<typeof stripeGateway> | ReturnType<typeof createSimulatedGateway>,
    campaign: string,
  ) => (await statementView({ db, gateway, defaultFeeBps: 500 }, campaign, { withAudit: false }))!.method;
  const account = async (enabled: boolean) => {
    const owner = await createUser(db);
    await db
      .insertInto("payout_accounts")
      .values({
        user_id: owner,
        stripe_account_id: `acct_${owner.slice(0, 8)}`,
        payouts_enabled: enabled ? 1 : 0,
        details_submitted: 1,
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
      })
      .execute();
    return owner;
  };
  const enabled = await payableCampaign([10_000], { owner_id: await account(true) });
  const disabled = await payableCampaign([10_000], { owner_id: await account(false) });
  const none = await payableCampaign([10_000]);
  expect(await methodOf(stripeGateway(), enabled)).toBe("stripe");
  expect(await methodOf(stripeGateway(), disabled)).toBe("bank");
  expect(await methodOf(stripeGateway(), none)).toBe("bank");
  expect(await methodOf(createSimulatedGateway(db), enabled)).toBe("bank");
});

test("a statement shows its own campaign's reconciliation and audit only, and no audit unless asked", async () => {
  const { db } = database();
  const deps = { db, gateway: createSimulatedGateway(db), defaultFeeBps: 500 };
  const campaign = await payableCampaign([10_000]);
  const other = await payableCampaign([10_000]);
  await db
    .insertInto("audit_log")
    .values(
      [campaign, other].map((c) => ({
        id: randomUUID(),
        actor_id: null,
        actor_email: "admin@example.org",
        action: "fee.override",
        campaign_id: c,
        subject_id: null,
        details: JSON.stringify({ from: null, to: 300 }),
        created_at: at.toISOString(),
      })),
    )
    .execute();
  // A line at Stripe no campaign of ours explains.
  await stripeLine(`pi_nobody_${randomUUID()}`, { category: "charge", amount: 700 });

  const withAudit = await statementView(deps, campaign, { withAudit: true });
  expect(withAudit!.audit.map((e) => e.campaignId)).toEqual([campaign]);
  expect(withAudit!.reconciliation).toEqual([]);
  const without = await statementView(deps, campaign, { withAudit: false });
  expect(without!.audit).toEqual([]);
  expect(await statementView(deps, randomUUID(), { withAudit: true })).toBeNull();
});

test("the reconciliation CSV has both sides' amounts, an empty cell for a missing side, and every Stripe line", async () => {
  const { db } = database();
  const campaign = await payableCampaign([]);
  const pledge = await createPledge(db, campaign, { gateway: "stripe", status: "committed", amount: 12_345 });
  const intent = `pi_${pledge}`;
  await collectPledge(db, pledge, { paymentIntentId: intent }, at);
  const missing = await createPledge(db, campaign, { gateway: "stripe", status: "committed", amount: 1_000 });
  await collectPledge(db, missing, { paymentIntentId: `pi_${missing}` }, at);
  const charge = await stripeLine(intent, { category: "charge", amount: 12_345, fee: 0 });
  const refundA = await stripeLine(intent, { category: "refund", amount: -500, fee: -1 });
  const refundB = await stripeLine(intent, { category: "refund", amount: -45 });
  // Someone else's line: not in this campaign's file.
  await stripeLine(`pi_nobody_${randomUUID()}`, { category: "charge", amount: 700 });

  const file = await reconciliationCsv(db, campaign, "en");
  const slug = (
    await db.selectFrom("campaigns").select("slug").where("id", "=", campaign).executeTakeFirstOrThrow()
  ).slug;
  expect(file!.slug).toBe(slug);
  const [header, ...rows] = file!.csv.trim().split("\r\n");
  expect(header).toBe("ref,category,state,currency,our_amount,our_fee,stripe_amount,stripe_fee,stripe_lines");
  expect(rows.sort()).toEqual(
    [
      `${intent},charge,matched,EUR,123.45,0.00,123.45,0.00,${charge}`,
      `${intent},refund,missing_ours,EUR,,,-5.45,-0.01,${refundA} ${refundB}`,
      `pi_${missing},charge,missing_stripe,EUR,10.00,0.00,,,`,
    ].sort(),
  );
  expect(await reconciliationCsv(db, randomUUID(), "en")).toBeNull();
  // In French: a BOM, `;`, decimal commas, headers in words.
  const french = (await reconciliationCsv(db, campaign, "fr"))!.csv;
  expect(french.startsWith("\uFEFF")).toBe(true);
  const [frenchHeader, ...frenchRows] = french.trim().split("\r\n");
  expect(frenchHeader).toBe(
    "Référence;Catégorie;État;Devise;Notre montant;Nos frais;Montant Stripe;Frais Stripe;Lignes Stripe",
  );
  expect(frenchRows).toContain(`${intent};charge;matched;EUR;123,45;0,00;123,45;0,00;${charge}`);
});
