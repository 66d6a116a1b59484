// Payouts on a real database, with the simulated gateway (no Stripe Connect): the owner is paid by a
// bank transfer that an admin records. Approval posts the platform fee and checks the amount the
// admin saw; every action is in the audit log; a refund after the payout is carried, visibly.
import { expect, test } from "vitest";
import { auditEntries } from "~/ledger/audit.server";
import { balance, ownerAccount, platformFee, simulatedStripeFee } from "~/ledger/ledger.server";
import { campaignStatement } from "~/payouts/statement.server";
import {
  approvePayout,
  markBankPayoutPaid,
  markPayoutFailed,
  overridePlatformFee,
} from "~/payouts/payouts.server";
import { collectPledge, recordRefund } from "~/pledges/pledges.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createCampaign } from "../support/factories";
import {
  collectedPledge,
  committedPledge,
  postedPlatformFee,
  unbalancedTransactions,
} from "../support/ledger";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const pledgedAt = new Date("2026-11-30T12:00:00.000Z");
const now = new Date("2026-12-10T12:00:00.000Z");
const admin = { id: null, email: "admin@example.org" };

const collected = (campaignId: string, amount: number) =>
  collectedPledge(database().db, campaignId, amount, pledgedAt);
const committed = (campaignId: string, amount: number) =>
  committedPledge(database().db, campaignId, amount, pledgedAt);

async function succeededCampaign(values: { currency?: string; goal_amount?: number } = {}) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible", ...values });
  return campaign;
}

async function close(campaignId: string) {
  await database()
    .db.updateTable("campaigns")
    .set({ status: "succeeded", closed_at: now.toISOString() })
    .where("id", "=", campaignId)
    .execute();
}

const deps = () => ({
  db: database().db,
  gateway: createSimulatedGateway(database().db),
  defaultFeeBps: 500,
});

const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

test("an admin approves the amount due, records the bank transfer, and the owner's balance is zero", async () => {
  const { db } = database();
  const campaign = await succeededCampaign();
  await collected(campaign, 10_000);
  await collected(campaign, 5_050);

  await expect(
    approvePayout(deps(), { campaignId: campaign, expectedAmount: 1, actor: admin }, now),
  ).rejects.toMatchObject({
    code: "not_payable",
  });
  await close(campaign);

  const fees = simulatedStripeFee(10_000) + simulatedStripeFee(5_050);
  const due = 15_050 - fees - platformFee(15_050, 500);
  expect((await campaignStatement(db, campaign, 500)).due).toBe(due);

  // The admin saw another amount (a refund came in since): nothing is approved, nothing posted.
  await expect(
    approvePayout(deps(), { campaignId: campaign, expectedAmount: due + 1, actor: admin }, now),
  ).rejects.toMatchObject({ code: "stale_amount" });
  expect(await db.selectFrom("payouts").selectAll().execute()).toEqual([]);
  expect(
    await db.selectFrom("ledger_transactions").select("id").where("kind", "=", "platform_fee").execute(),
  ).toEqual([]);

  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: due, actor: admin },
    now,
  );
  expect(payout).toMatchObject({ method: "bank", status: "approved", amount: due, number: 1 });
  // A double click, or a second admin: one payout in flight.
  await expect(
    approvePayout(deps(), { campaignId: campaign, expectedAmount: due, actor: admin }, now),
  ).rejects.toMatchObject({ code: "payout_in_flight" });
  expect(await postedPlatformFee(db, campaign)).toBe(platformFee(15_050, 500));

  await expect(
    markBankPayoutPaid(db, { payoutId: payout.id, reference: " ", actor: admin }, now),
  ).rejects.toMatchObject({ code: "reference_required", field: "reference" });
  const paid = await markBankPayoutPaid(
    db,
    { payoutId: payout.id, reference: "VIR-2026-1210", actor: admin },
    later(1),
  );
  expect(paid).toMatchObject({ status: "paid", reference: "VIR-2026-1210" });
  await expect(
    markBankPayoutPaid(db, { payoutId: payout.id, reference: "VIR-2026-1210", actor: admin }, now),
  ).rejects.toMatchObject({ code: "payout_state" });

  const statement = await campaignStatement(db, campaign, 500);
  expect(statement).toMatchObject({ paidOut: due, due: 0 });
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  expect(await unbalancedTransactions(db)).toEqual([]);
  expect((await auditEntries(db, { campaignId: campaign })).map((e) => [e.action, e.actorEmail])).toEqual([
    ["payout.mark_paid", "admin@example.org"],
    ["payout.approve", "admin@example.org"],
  ]);
});

test("a refund after a bank payout is carried as the owner's debt, and the next payout is refused", async () => {
  const { db } = database();
  const campaign = await succeededCampaign();
  const pledge = await collected(campaign, 20_000);
  const late = await committed(campaign, 10_000);
  await close(campaign);
  const due = (await campaignStatement(db, campaign, 500)).due;
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: due, actor: admin },
    now,
  );
  await markBankPayoutPaid(db, { payoutId: payout.id, reference: "VIR-1", actor: admin }, now);

  await recordRefund(db, pledge, 4_000, now);
  const statement = await campaignStatement(db, campaign, 500);
  // The platform's fee follows the money kept: 5 % of 16 000, not of 20 000.
  expect(statement).toMatchObject({ refunds: 4_000, platformFee: 800, paidOut: due });
  expect(statement.due).toBe(-4_000 + 200);
  await expect(
    approvePayout(deps(), { campaignId: campaign, expectedAmount: statement.due, actor: admin }, now),
  ).rejects.toMatchObject({ code: "nothing_due" });

  // A later payment (a flexible pledge collected late) first pays back what the owner owes.
  await collectPledge(db, late, { paymentIntentId: `sim_pi_${late}` }, now);
  const after = await campaignStatement(db, campaign, 500);
  expect(after.due).toBe(-3_800 + 10_000 - simulatedStripeFee(10_000) - 500);
  const second = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: after.due, actor: admin },
    now,
  );
  expect(second).toMatchObject({ number: 2, amount: after.due });
  expect(-(await balance(db, ownerAccount(campaign)))).toBe(after.due);
  expect(await unbalancedTransactions(db)).toEqual([]);
});

test("a fee override is audited and charged at approval; a payout that will not be made is marked failed", async () => {
  const { db } = database();
  const campaign = await succeededCampaign();
  await collected(campaign, 30_000);
  await close(campaign);
  await expect(
    overridePlatformFee(db, { campaignId: campaign, feeBps: 9_000, actor: admin }, now),
  ).rejects.toMatchObject({ code: "bad_fee" });
  await overridePlatformFee(db, { campaignId: campaign, feeBps: 250, actor: admin }, later(-1));
  const statement = await campaignStatement(db, campaign, 250);
  expect(statement.platformFee).toBe(750);
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: statement.due, actor: admin },
    now,
  );
  expect(await postedPlatformFee(db, campaign)).toBe(750);
  await markPayoutFailed(db, { payoutId: payout.id, reason: "IBAN refusé", actor: admin }, later(1));
  // Nothing moved: the same amount is due again, and can be approved again.
  expect((await campaignStatement(db, campaign, 250)).due).toBe(statement.due);
  const again = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: statement.due, actor: admin },
    later(2),
  );
  expect(again.number).toBe(2);
  expect((await auditEntries(db, { campaignId: campaign })).map((e) => e.action)).toEqual([
    "payout.approve",
    "payout.mark_failed",
    "payout.approve",
    "fee.override",
  ]);
  expect((await auditEntries(db, { campaignId: campaign })).at(-1)?.details).toEqual({ from: null, to: 250 });
});

test("a zero-decimal currency is paid to the yen", async () => {
  const { db } = database();
  const campaign = await succeededCampaign({ currency: "JPY", goal_amount: 100_000 });
  await collected(campaign, 12_345);
  await collected(campaign, 7_777);
  await close(campaign);
  const statement = await campaignStatement(db, campaign, 500);
  expect(statement.platformFee).toBe(1_006); // 5 % of 20 122 = 1 006.1
  const payout = await approvePayout(
    deps(),
    { campaignId: campaign, expectedAmount: statement.due, actor: admin },
    now,
  );
  await markBankPayoutPaid(db, { payoutId: payout.id, reference: "FURIKOMI-1", actor: admin }, now);
  expect(payout.amount).toBe(20_122 - 1_006 - simulatedStripeFee(12_345) - simulatedStripeFee(7_777));
  expect(await balance(db, ownerAccount(campaign))).toBe(0);
  expect(await unbalancedTransactions(db)).toEqual([]);
});
