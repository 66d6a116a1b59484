// The ledger on a real database: balanced transactions only, replays write nothing, and a campaign's
// statement recomputed from the entries matches the owner's balance, in euros and in yen.
import { expect, test } from "vitest";
import { balance, ownerAccount, platformFee, post, simulatedStripeFee } from "~/ledger/ledger.server";
import { campaignStatement } from "~/payouts/statement.server";
import { recordRefund } from "~/pledges/pledges.server";
import { loader as followUp } from "~/routes/admin.campaigns.$id";
import { testContext } from "../support/context";
import { createCampaign } from "../support/factories";
import { collectedPledge, unbalancedTransactions } from "../support/ledger";
import { callRoute } from "../support/routes";
import { signedInAs } from "../support/users";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");

test("an unbalanced transaction is refused, and a replayed source key writes nothing", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const tx = {
    sourceKey: `test:${campaign}`,
    kind: "collected" as const,
    campaignId: campaign,
    pledgeId: null,
    currency: "EUR",
  };
  await expect(
    post(
      db,
      tx,
      [
        { account: "stripe_balance", amount: 100 },
        { account: ownerAccount(campaign), amount: -99 },
      ],
      now,
    ),
  ).rejects.toMatchObject({
    code: "ledger_unbalanced",
  });
  const balanced = [
    { account: "stripe_balance", amount: 100 },
    { account: ownerAccount(campaign), amount: -100 },
  ];
  expect(await post(db, tx, balanced, now)).toBe(true);
  // The same source key again (a replayed event): nothing is written.
  expect(await post(db, tx, balanced, now)).toBe(false);
  expect(await balance(db, ownerAccount(campaign))).toBe(-100);
});

test("collections, fees and refunds make a statement that the owner's balance confirms", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, {
    funding_model: "flexible",
    deadline_at: "2026-12-08T22:59:59.999Z",
  });
  const a = await collectedPledge(db, campaign, 10_000, now);
  await collectedPledge(db, campaign, 2_550, now);
  await recordRefund(db, a, 3_000, now);
  await recordRefund(db, a, 3_000, now); // Stripe reports the same cumulative refund again
  const statement = await campaignStatement(db, campaign, 500);
  const stripeFees = simulatedStripeFee(10_000) + simulatedStripeFee(2_550);
  const net = 12_550 - 3_000 - stripeFees - platformFee(9_550, 500);
  expect(statement).toEqual({
    collected: 12_550,
    refunds: 3_000,
    disputes: 0,
    stripeFees,
    platformFee: platformFee(9_550, 500),
    net,
    paidOut: 0,
    reversed: 0,
    due: net,
    feeBps: 500,
  });
  // The owner's account holds what they are owed before the platform's fee is taken.
  expect(-(await balance(db, ownerAccount(campaign)))).toBe(statement.net + statement.platformFee);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("a zero-decimal currency is counted to the yen", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, {
    currency: "JPY",
    funding_model: "flexible",
    deadline_at: "2026-12-08T22:59:59.999Z",
    goal_amount: 500_000,
  });
  await collectedPledge(db, campaign, 12_345, now);
  const statement = await campaignStatement(db, campaign, 500);
  expect(statement.collected).toBe(12_345);
  expect(statement.platformFee).toBe(617); // 5 % of 12 345 = 617.25, rounded to the yen
  expect(Number.isInteger(statement.net)).toBe(true);
});

test("the owner reads their statement on the campaign's follow-up page, with an admin's fee override", async () => {
  const { db } = database();
  const context = testContext(database());
  const owner = await signedInAs(context, "statement-owner@example.org");
  const campaign = await createCampaign(db, {
    owner_id: owner.id,
    funding_model: "flexible",
    deadline_at: "2026-12-08T22:59:59.999Z",
  });
  await db.updateTable("campaigns").set({ platform_fee_bps: 300 }).where("id", "=", campaign).execute();
  await collectedPledge(db, campaign, 20_000, now);
  const page = await callRoute<{ statement: Awaited<ReturnType<typeof campaignStatement>> }>(followUp, {
    url: `http://localhost/admin/campaigns/${campaign}`,
    params: { id: campaign },
    context,
    headers: { Cookie: owner.cookie },
  });
  const net = 20_000 - simulatedStripeFee(20_000) - 600;
  expect(page.data?.statement).toEqual({
    collected: 20_000,
    refunds: 0,
    disputes: 0,
    stripeFees: simulatedStripeFee(20_000),
    platformFee: 600,
    net,
    paidOut: 0,
    reversed: 0,
    due: net,
    feeBps: 300,
  });
});
