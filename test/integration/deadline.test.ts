// A 15-day all-or-nothing campaign lived through by moving the clock, on the simulated gateway:
// pledges, the close, charges with one declined card and one needing authentication, recovery,
// a drop after 7 days, a refund, and final totals that equal the sum of the rows.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { closeCampaignIfDue, closeCampaignsDue } from "~/campaigns/closing.server";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import {
  chargePledgeNow,
  chargeSummary,
  dropUnpaidPledges,
  runChargeRun,
  updateCardAfterFailure,
} from "~/pledges/charging.server";
import { refundPledge } from "~/pledges/refunds.server";
import { cancelPledge, commitPledge, getPledge, startPledge } from "~/pledges/pledges.server";
import { campaignDeadline, DAY, HOUR } from "~/lib/time";
import { createCampaign, createTier, createUser, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

async function launch({ goal, launchedAt }: { goal: number; launchedAt: Date }) {
  const { db } = database();
  const owner = await createUser(db, { email: `owner-${randomUUID().slice(0, 6)}@example.org` });
  const deadline = campaignDeadline(launchedAt, 15, "Europe/Paris");
  const campaign = await createCampaign(db, {
    owner_id: owner,
    goal_amount: goal,
    launched_at: launchedAt.toISOString(),
    deadline_at: deadline.toISOString(),
  });
  return { campaign, deadline };
}

async function pledge(
  campaignId: string,
  amount: number,
  card: string,
  at: Date,
  tierId: string | null = null,
) {
  const { db } = database();
  const started = await startPledge(
    db,
    pledgeRequest(campaignId, amount, {
      tierId,
      backerName: card,
      backerEmail: `${card}-${randomUUID().slice(0, 4)}@example.org`,
    }),
    at,
  );
  await commitPledge(
    db,
    started.id,
    { customerId: `sim_cus_${started.id}`, paymentMethodId: `sim_pm_card_${card}` },
    at,
  );
  return started.id;
}

async function state(campaignId: string) {
  const { db } = database();
  const campaign = await db
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  expect(await recomputeTotals(db, campaignId)).toEqual({
    pledged: campaign.pledged_amount,
    backers: campaign.backer_count,
  });
  return campaign;
}

async function emailsOf(campaignId: string, kind: string) {
  return database()
    .db.selectFrom("email_outbox")
    .select(["to_email", "dedupe_key"])
    .where("campaign_id", "=", campaignId)
    .where("kind", "=", kind)
    .execute();
}

test("fifteen days of an all-or-nothing campaign, from first pledge to final totals", async () => {
  const { db, engine } = database();
  const gateway = createSimulatedGateway(db);
  const launchedAt = new Date("2026-11-24T09:00:00.000Z");
  const { campaign, deadline } = await launch({ goal: 20_000, launchedAt });
  expect(deadline.toISOString()).toBe("2026-12-08T22:59:59.999Z");
  const tier = await createTier(db, campaign, { min_amount: 5_000, stock_limit: 3 });

  const day = (n: number) => new Date(launchedAt.getTime() + n * DAY);
  const visaA = await pledge(campaign, 8_000, "visa", day(1));
  const visaB = await pledge(campaign, 5_000, "visa", day(3), tier);
  const declined = await pledge(campaign, 6_000, "chargeDeclined", day(6), tier);
  const needsAuth = await pledge(campaign, 4_000, "authenticationRequired", day(9));
  const quitter = await pledge(campaign, 3_000, "visa", day(12));
  await cancelPledge(db, quitter, "backer", day(13));
  expect((await state(campaign)).pledged_amount).toBe(23_000);

  // Nothing closes before the deadline; at it, the campaign succeeds, exactly once.
  expect(await closeCampaignsDue(db, new Date(deadline.getTime() - 1))).toEqual([]);
  const afterDeadline = new Date(deadline.getTime() + 1);
  const [first, second] = await Promise.all([
    closeCampaignsDue(db, afterDeadline),
    closeCampaignsDue(db, afterDeadline),
  ]);
  expect([...first, ...second]).toEqual([{ id: campaign, outcome: "succeeded" }]);
  const closed = await state(campaign);
  expect(closed).toMatchObject({ status: "succeeded", final_pledged_amount: 23_000, final_backer_count: 4 });
  expect(await emailsOf(campaign, "campaign_succeeded")).toHaveLength(5); // four backers and the owner

  // The charge run: two cards go through, one is declined, one needs the backer to authenticate.
  const clock = () => new Date(deadline.getTime() + HOUR);
  const report = await runChargeRun({ db, engine, gateway, clock }, { rate: 100 });
  expect(report).toEqual({ charged: 2, processing: 0, failed: 2, errors: 0 });
  expect((await getPledge(db, visaA))?.status).toBe("collected");
  expect(await getPledge(db, declined)).toMatchObject({ status: "payment_failed", charge_attempts: 1 });
  expect((await getPledge(db, needsAuth))?.last_payment_error).toMatch(/^authentication_required/);
  expect((await emailsOf(campaign, "payment_failed")).map((e) => e.dedupe_key).sort()).toEqual(
    [`payment-failed:${declined}:1`, `payment-failed:${needsAuth}:1`].sort(),
  );
  expect(await emailsOf(campaign, "payment_collected")).toHaveLength(2);
  // A second run has nothing to do: nobody is charged twice.
  expect(await runChargeRun({ db, engine, gateway, clock }, { rate: 100 })).toEqual({
    charged: 0,
    processing: 0,
    failed: 0,
    errors: 0,
  });
  expect((await state(campaign)).pledged_amount).toBe(23_000); // failed pledges still count while fixable

  // Two days later the authentication backer confirms with a card that works; the retry uses attempt 2.
  const recovery = () => new Date(deadline.getTime() + 2 * DAY);
  expect(
    await updateCardAfterFailure(db, needsAuth, { paymentMethodId: "sim_pm_card_visa" }, recovery()),
  ).toBe(true);
  expect(await chargePledgeNow({ db, engine, gateway, clock: recovery }, needsAuth)).toBe("charged");
  expect(await getPledge(db, needsAuth)).toMatchObject({ status: "collected", charge_attempts: 2 });
  const keys = await db
    .selectFrom("simulated_payments")
    .select("idempotency_key")
    .where("pledge_id", "=", needsAuth)
    .orderBy("idempotency_key")
    .execute();
  expect(keys.map((k) => k.idempotency_key)).toEqual([
    `pledge-${needsAuth}-attempt-1`,
    `pledge-${needsAuth}-attempt-2`,
  ]);

  // The declined backer never fixes it: 7 days after the failure the pledge is dropped.
  expect(await dropUnpaidPledges(db, new Date(deadline.getTime() + 6 * DAY))).toBe(0);
  expect(await dropUnpaidPledges(db, new Date(deadline.getTime() + 7 * DAY + 2 * HOUR))).toBe(1);
  expect(await getPledge(db, declined)).toMatchObject({ status: "dropped", holds_stock: 0 });
  expect(await emailsOf(campaign, "pledge_dropped")).toHaveLength(1);
  const tierRow = await db
    .selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tier)
    .executeTakeFirstOrThrow();
  expect(tierRow.claimed_count).toBe(1); // visaB still holds its unit; the dropped pledge gave its back

  // An admin refunds part of one collected pledge; a second identical request refunds nothing more.
  const refundAt = new Date(deadline.getTime() + 10 * DAY);
  await refundPledge(
    { db, gateway },
    { pledgeId: visaA, amount: 2_000, reason: "Reward not deliverable" },
    refundAt,
  );
  await expect(
    refundPledge({ db, gateway }, { pledgeId: visaA, amount: 7_000, reason: "Too much" }, refundAt),
  ).rejects.toMatchObject({ code: "bad_refund_amount" });
  expect(await emailsOf(campaign, "refund_issued")).toHaveLength(1);

  expect(await chargeSummary(db, campaign)).toEqual({
    collected: { count: 3, amount: 15_000 },
    pending: { count: 0, amount: 0 },
    processing: { count: 0, amount: 0 },
    failed: { count: 0, amount: 0 },
    dropped: { count: 1, amount: 6_000 },
    refunded: 2_000,
  });

  // Final: collected 8 000 + 5 000 + 4 000, minus 2 000 refunded; the page still shows the close.
  const final = await state(campaign);
  expect(final.pledged_amount).toBe(15_000);
  expect(final.backer_count).toBe(3);
  expect(final.final_pledged_amount).toBe(23_000);
  const charged = await db
    .selectFrom("simulated_payments")
    .select((eb) => eb.fn.sum<number>("amount").as("total"))
    .where("kind", "=", "charge")
    .where("outcome", "=", "succeeded")
    .where("pledge_id", "in", [visaA, visaB, declined, needsAuth])
    .executeTakeFirstOrThrow();
  expect(Number(charged.total)).toBe(17_000);
});

test("closing one campaign leaves the others due alone, and waits for its own deadline", async () => {
  const { db } = database();
  const launchedAt = new Date("2026-11-24T09:00:00.000Z");
  const one = await launch({ goal: 10_000, launchedAt });
  const other = await launch({ goal: 10_000, launchedAt });
  await pledge(one.campaign, 6_000, "visa", new Date(launchedAt.getTime() + DAY));
  expect(await closeCampaignIfDue(db, one.campaign, new Date(one.deadline.getTime() - 1))).toBeNull();
  const after = new Date(one.deadline.getTime() + 1);
  expect(await closeCampaignIfDue(db, one.campaign, after)).toBe("failed");
  expect(await closeCampaignIfDue(db, one.campaign, after)).toBeNull();
  expect(await state(one.campaign)).toMatchObject({ status: "failed", final_pledged_amount: 6_000 });
  expect(await emailsOf(one.campaign, "campaign_failed")).toHaveLength(2); // the backer and the owner
  // The other campaign, due as well, was left live: the job closes it, and only it.
  expect((await state(other.campaign)).status).toBe("live");
  expect(await closeCampaignsDue(db, after)).toEqual([{ id: other.campaign, outcome: "failed" }]);
});

test("a campaign short of its goal fails: every pledge is released and nobody is charged", async () => {
  const { db, engine } = database();
  const gateway = createSimulatedGateway(db);
  const launchedAt = new Date("2026-10-01T09:00:00.000Z");
  const { campaign, deadline } = await launch({ goal: 100_000, launchedAt });
  const tier = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 2 });
  const a = await pledge(campaign, 5_000, "visa", new Date(launchedAt.getTime() + DAY), tier);
  await pledge(campaign, 2_000, "visa", new Date(launchedAt.getTime() + 2 * DAY));
  const closedAt = new Date(deadline.getTime() + 3 * DAY); // a restart that missed the moment
  expect(await closeCampaignsDue(db, closedAt)).toEqual([{ id: campaign, outcome: "failed" }]);
  expect(await closeCampaignsDue(db, closedAt)).toEqual([]);
  const closed = await state(campaign);
  expect(closed).toMatchObject({
    status: "failed",
    final_pledged_amount: 7_000,
    final_backer_count: 2,
    pledged_amount: 0,
  });
  expect(await getPledge(db, a)).toMatchObject({
    status: "canceled",
    cancel_reason: "campaign_closed",
    holds_stock: 0,
  });
  expect(await runChargeRun({ db, engine, gateway, clock: () => closedAt }, { rate: 100 })).toEqual({
    charged: 0,
    processing: 0,
    failed: 0,
    errors: 0,
  });
  const payments = await db
    .selectFrom("simulated_payments")
    .select("idempotency_key")
    .where("pledge_id", "=", a)
    .execute();
  expect(payments).toEqual([]);
  expect(await emailsOf(campaign, "campaign_failed")).toHaveLength(3);
});

test("a flexible campaign closes as funded with nothing to charge", async () => {
  const { db } = database();
  const launchedAt = new Date("2026-09-01T09:00:00.000Z");
  const { campaign, deadline } = await launch({ goal: 50_000, launchedAt });
  await db.updateTable("campaigns").set({ funding_model: "flexible" }).where("id", "=", campaign).execute();
  expect(await closeCampaignsDue(db, new Date(deadline.getTime() + 1))).toEqual([
    { id: campaign, outcome: "succeeded" },
  ]);
});
