// Every money rule at its edge: the exact amount, one cent (or one unit, one millisecond) either side.
// Far-from-the-edge tests let a comparison moved by one pass; these do not (docs/mutation-testing.md).
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { closeCampaignsDue } from "~/campaigns/closing.server";
import { campaignDeadline, DAY } from "~/lib/time";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { overridePlatformFee } from "~/payouts/payouts.server";
import { chargePledgeNow, dropUnpaidPledges, GRACE_PERIOD } from "~/pledges/charging.server";
import {
  collectPledge,
  commitPledge,
  getPledge,
  recordPaymentFailure,
  startPledge,
} from "~/pledges/pledges.server";
import { refundPledge } from "~/pledges/refunds.server";
import { createCampaign, createTier, createUser, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const launchedAt = new Date("2026-11-02T09:00:00.000Z");
const deadline = campaignDeadline(launchedAt, 15, "Europe/Paris");
const during = new Date(launchedAt.getTime() + DAY);
const ms = (date: Date, delta: number) => new Date(date.getTime() + delta);

async function campaignWithGoal(goal: number) {
  const { db } = database();
  const owner = await createUser(db, { email: `owner-${randomUUID().slice(0, 6)}@example.org` });
  return createCampaign(db, {
    owner_id: owner,
    goal_amount: goal,
    launched_at: launchedAt.toISOString(),
    deadline_at: deadline.toISOString(),
  });
}

async function pledge(
  campaignId: string,
  amount: number,
  { tierId = null as string | null, card = "visa" } = {},
) {
  const { db } = database();
  const started = await startPledge(db, pledgeRequest(campaignId, amount, { tierId }), during);
  await commitPledge(
    db,
    started.id,
    { customerId: `sim_cus_${started.id}`, paymentMethodId: `sim_pm_card_${card}` },
    during,
  );
  return started.id;
}

test("a campaign closes at its deadline's exact instant, not a millisecond before", async () => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  await pledge(campaign, 10_000);
  const closedAt = async (at: Date) => (await closeCampaignsDue(db, at)).filter((c) => c.id === campaign);
  expect(await closedAt(ms(deadline, -1))).toEqual([]);
  expect(await closedAt(deadline)).toEqual([{ id: campaign, outcome: "succeeded" }]);
  expect(await closedAt(ms(deadline, 1))).toEqual([]);
});

test.each([
  [9_999, "failed"],
  [10_000, "succeeded"],
  [10_001, "succeeded"],
])("an all-or-nothing goal of 100 € with %i cents committed has %s", async (amount, outcome) => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  await pledge(campaign, amount);
  const closed = await closeCampaignsDue(db, deadline);
  expect(closed.filter((c) => c.id === campaign)).toEqual([{ id: campaign, outcome }]);
  const row = await db
    .selectFrom("campaigns")
    .select(["status", "final_pledged_amount"])
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ status: outcome, final_pledged_amount: amount });
});

test("a limited reward gives its last unit and refuses the one after", async () => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  const tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 2 });
  await pledge(campaign, 1_000, { tierId: tier });
  await pledge(campaign, 1_000, { tierId: tier });
  await expect(pledge(campaign, 1_000, { tierId: tier })).rejects.toMatchObject({ code: "sold_out" });
  const row = await db
    .selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tier)
    .executeTakeFirstOrThrow();
  expect(row.claimed_count).toBe(2);
});

test("a reward's minimum is accepted exactly and refused a cent below", async () => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  const tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: null });
  await expect(pledge(campaign, 999, { tierId: tier })).rejects.toMatchObject({
    code: "amount_below_minimum",
  });
  const id = await pledge(campaign, 1_000, { tierId: tier });
  expect(await getPledge(db, id)).toMatchObject({ amount: 1_000, status: "committed" });
});

test("a failed card is dropped exactly 7 days after its failure, not a millisecond before", async () => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  const id = await pledge(campaign, 10_000);
  const failedAt = ms(deadline, 60_000);
  await recordPaymentFailure(db, id, "Your card was declined.", failedAt);
  expect(GRACE_PERIOD).toBe(7 * DAY);
  expect(await dropUnpaidPledges(db, ms(failedAt, GRACE_PERIOD - 1))).toBe(0);
  expect(await getPledge(db, id)).toMatchObject({ status: "payment_failed" });
  expect(await dropUnpaidPledges(db, ms(failedAt, GRACE_PERIOD))).toBe(1);
  expect(await getPledge(db, id)).toMatchObject({ status: "dropped" });
});

test("a refund of exactly what is left succeeds, and a cent more is refused", async () => {
  const { db, engine } = database();
  const gateway = createSimulatedGateway(db);
  const campaign = await campaignWithGoal(7_000);
  const id = await pledge(campaign, 7_000);
  await closeCampaignsDue(db, deadline);
  const chargedAt = ms(deadline, 60_000);
  expect(await chargePledgeNow({ db, engine, gateway, clock: () => chargedAt }, id)).toBe("charged");
  const refund = (amount: number) =>
    refundPledge({ db, gateway }, { pledgeId: id, amount, reason: "Reward not sent" }, ms(chargedAt, DAY));
  const refunded = async () => (await getPledge(db, id))?.refunded_amount;

  await expect(refund(7_001)).rejects.toMatchObject({ code: "bad_refund_amount", field: "amount" });
  await expect(refund(0)).rejects.toMatchObject({ code: "bad_refund_amount" });
  await expect(refund(0.5)).rejects.toMatchObject({ code: "bad_refund_amount" });
  expect(await refunded()).toBe(0);
  await refund(6_999);
  expect(await refunded()).toBe(6_999);
  await expect(refund(2)).rejects.toThrow();
  expect(await refunded()).toBe(6_999);
  await refund(1);
  expect(await refunded()).toBe(7_000);
  await expect(refund(1)).rejects.toThrow();
  expect(await refunded()).toBe(7_000);
});

test("a refund needs a reason of three characters, not two", async () => {
  const { db, engine } = database();
  const gateway = createSimulatedGateway(db);
  const campaign = await campaignWithGoal(3_000);
  const id = await pledge(campaign, 3_000);
  await closeCampaignsDue(db, deadline);
  const chargedAt = ms(deadline, 60_000);
  expect(await chargePledgeNow({ db, engine, gateway, clock: () => chargedAt }, id)).toBe("charged");
  const refund = (reason: string) =>
    refundPledge({ db, gateway }, { pledgeId: id, amount: 100, reason }, ms(chargedAt, DAY));
  await expect(refund(" ab  ")).rejects.toMatchObject({ code: "reason_required", field: "reason" });
  expect(await refund("abc")).toMatchObject({ status: "succeeded", refundId: expect.stringMatching(/\S/) });
  expect((await getPledge(db, id))?.refunded_amount).toBe(100);
});

test("a fee override is accepted from 0 % to exactly 50 %, and refused a basis point beyond", async () => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  const admin = await createUser(db, { email: `admin-${randomUUID().slice(0, 6)}@example.org` });
  const actor = { id: admin, email: "admin@example.org" };
  const rate = async () =>
    (
      await db
        .selectFrom("campaigns")
        .select("platform_fee_bps")
        .where("id", "=", campaign)
        .executeTakeFirstOrThrow()
    ).platform_fee_bps;
  for (const feeBps of [-1, 5_001, 12.5]) {
    await expect(
      overridePlatformFee(db, { campaignId: campaign, feeBps, actor }, during),
    ).rejects.toMatchObject({
      code: "bad_fee",
    });
  }
  await overridePlatformFee(db, { campaignId: campaign, feeBps: 0, actor }, during);
  expect(await rate()).toBe(0);
  await overridePlatformFee(db, { campaignId: campaign, feeBps: 5_000, actor }, during);
  expect(await rate()).toBe(5_000);
  await overridePlatformFee(db, { campaignId: campaign, feeBps: null, actor }, during);
  expect(await rate()).toBeNull();
});

async function outcomeOf(pledgeId: string) {
  const row = await getPledge(database().db, pledgeId);
  return { status: row?.status, reason: row?.cancel_reason ?? null };
}

test("at the close an open checkout expires and never counts; a failed campaign cancels its pledges", async () => {
  const { db } = database();
  const campaign = await campaignWithGoal(10_000);
  const committed = await pledge(campaign, 5_000);
  const { id: pending } = await startPledge(
    db,
    {
      campaignId: campaign,
      tierId: null,
      amount: 5_000,
      backerName: "Léa",
      backerEmail: "lea@example.org",
      comment: null,
      anonymous: false,
      locale: "fr",
      submissionKey: randomUUID(),
      gateway: "simulated",
    },
    during,
  );
  const closed = await closeCampaignsDue(db, deadline);
  expect(closed.filter((c) => c.id === campaign)).toEqual([{ id: campaign, outcome: "failed" }]);
  expect(await outcomeOf(pending)).toEqual({ status: "expired", reason: "after_deadline" });
  expect(await outcomeOf(committed)).toEqual({ status: "canceled", reason: "campaign_closed" });
  const emails = await db
    .selectFrom("email_outbox")
    .select("to_email")
    .where("campaign_id", "=", campaign)
    .where("kind", "=", "campaign_failed")
    .execute();
  // The committed backer and the owner are told; the checkout never finished, so no email.
  expect(emails.map((e) => e.to_email).filter((to) => !to.startsWith("owner-"))).toHaveLength(1);
});

test("a flexible campaign closes funded and tells the backers it already collected", async () => {
  const { db } = database();
  const owner = await createUser(db, { email: `owner-${randomUUID().slice(0, 6)}@example.org` });
  const campaign = await createCampaign(db, {
    owner_id: owner,
    goal_amount: 1_000_000,
    funding_model: "flexible",
    launched_at: launchedAt.toISOString(),
    deadline_at: deadline.toISOString(),
  });
  const id = await pledge(campaign, 2_500);
  expect(await collectPledge(db, id, { paymentIntentId: `pi_${id}` }, during)).toBe("collected");
  const closed = await closeCampaignsDue(db, deadline);
  expect(closed.filter((c) => c.id === campaign)).toEqual([{ id: campaign, outcome: "succeeded" }]);
  expect(await outcomeOf(id)).toEqual({ status: "collected", reason: null });
  const backerEmails = await db
    .selectFrom("email_outbox")
    .select("pledge_id")
    .where("campaign_id", "=", campaign)
    .where("kind", "=", "campaign_succeeded")
    .where("pledge_id", "is not", null)
    .execute();
  expect(backerEmails).toEqual([{ pledge_id: id }]);
});
