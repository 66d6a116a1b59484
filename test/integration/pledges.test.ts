// The pledge state machine on a real database: every transition moves totals and stock with it,
// and the totals always equal what the rows add up to.
import { expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import {
  cancelPledge,
  changePledge,
  collectPledge,
  commitPledge,
  expirePledge,
  recordRefund,
  startPledge,
  type PledgeRequest,
} from "~/pledges/pledges.server";
import { sweepAbandonedCheckouts } from "~/checkout/checkout.server";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { createCampaign, createTier, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
const deadline = "2026-12-08T22:59:59.999Z";

const request = (campaignId: string, values: Partial<PledgeRequest> = {}) =>
  pledgeRequest(campaignId, 5_000, { backerName: "Camille", backerEmail: "camille@example.org", ...values });

async function campaignState(campaignId: string) {
  const { db } = database();
  const row = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return { pledged: row.pledged_amount, backers: row.backer_count };
}

async function claimed(tierId: string) {
  const row = await database()
    .db.selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tierId)
    .executeTakeFirstOrThrow();
  return row.claimed_count;
}

async function expectTotalsMatchRows(campaignId: string) {
  expect(await campaignState(campaignId)).toEqual(await recomputeTotals(database().db, campaignId));
}

test("a pledge is pending while its checkout runs, and counts once the card is saved", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { min_amount: 4_000, stock_limit: 10 });
  const pledge = await startPledge(db, request(campaign, { tierId: tier, amount: 4_500 }), now);
  expect(pledge).toMatchObject({ status: "pending", amount: 4_500, currency: "EUR", holds_stock: 1 });
  expect(await claimed(tier)).toBe(1);
  expect(await campaignState(campaign)).toEqual({ pledged: 0, backers: 0 });

  expect(await commitPledge(db, pledge.id, { paymentMethodId: "pm_1" }, now)).toBe("committed");
  expect(await campaignState(campaign)).toEqual({ pledged: 4_500, backers: 1 });
  // The same event again changes nothing.
  expect(await commitPledge(db, pledge.id, { paymentMethodId: "pm_1" }, now)).toBe("already");
  expect(await campaignState(campaign)).toEqual({ pledged: 4_500, backers: 1 });
  await expectTotalsMatchRows(campaign);
});

test("50 concurrent pledges for a tier with 5 left reserve exactly 5", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { min_amount: 12_000, stock_limit: 10, claimed_count: 5 });
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, () =>
      startPledge(db, request(campaign, { tierId: tier, amount: 12_000 }), now),
    ),
  );
  const started = results.filter((r) => r.status === "fulfilled");
  const refused = results.filter((r) => r.status === "rejected");
  expect(started).toHaveLength(5);
  expect(refused).toHaveLength(45);
  for (const r of refused)
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "sold_out", status: 409 });
  expect(await claimed(tier)).toBe(10);

  await Promise.all(
    started.map((r) => commitPledge(db, (r as PromiseFulfilledResult<{ id: string }>).value.id, {}, now)),
  );
  expect(await campaignState(campaign)).toEqual({ pledged: 60_000, backers: 5 });
  await expectTotalsMatchRows(campaign);
});

test("the same form submitted twice (a double click) makes one pledge", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { stock_limit: 3 });
  const same = request(campaign, { tierId: tier });
  const [first, second] = await Promise.all([startPledge(db, same, now), startPledge(db, same, now)]);
  expect(second.id).toBe(first.id);
  expect(await claimed(tier)).toBe(1);
  const again = await startPledge(db, same, now);
  expect(again.id).toBe(first.id);
});

test("no pledge after the deadline, nor on a draft, nor below the reward's minimum", async () => {
  const { db } = database();
  const ended = await createCampaign(db, { deadline_at: "2026-11-30T11:59:59.999Z" });
  await expect(startPledge(db, request(ended), now)).rejects.toMatchObject({ code: "campaign_closed" });
  const draft = await createCampaign(db, { status: "draft", deadline_at: deadline });
  await expect(startPledge(db, request(draft), now)).rejects.toMatchObject({ code: "campaign_closed" });
  const live = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, live, { min_amount: 4_000 });
  await expect(startPledge(db, request(live, { tierId: tier, amount: 3_999 }), now)).rejects.toMatchObject({
    code: "amount_below_minimum",
    field: "amount",
  });
  const other = await createCampaign(db, { deadline_at: deadline });
  const otherTier = await createTier(db, other);
  await expect(startPledge(db, request(live, { tierId: otherTier }), now)).rejects.toMatchObject({
    code: "tier_not_found",
  });
  await expect(startPledge(db, request(live, { amount: 10_000_001 }), now)).rejects.toMatchObject({
    code: "amount_too_large",
  });
  expect(await claimed(tier)).toBe(0);
  const { count } = await db
    .selectFrom("pledges")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("campaign_id", "in", [ended, draft, live])
    .executeTakeFirstOrThrow();
  expect(count).toBe(0);
});

test("a checkout that completes after the deadline is not counted and gives its stock back", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { stock_limit: 1 });
  const pledge = await startPledge(db, request(campaign, { tierId: tier }), now);
  const afterDeadline = new Date("2026-12-08T23:00:00.000Z");
  expect(await commitPledge(db, pledge.id, { paymentMethodId: "pm_late" }, afterDeadline)).toBe("too_late");
  expect(await campaignState(campaign)).toEqual({ pledged: 0, backers: 0 });
  expect(await claimed(tier)).toBe(0);
  const row = await db
    .selectFrom("pledges")
    .selectAll()
    .where("id", "=", pledge.id)
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: "expired", cancel_reason: "late_campaign_closed", holds_stock: 0 });
});

test("an expired checkout releases its unit exactly once", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { stock_limit: 2 });
  const pledge = await startPledge(db, request(campaign, { tierId: tier }), now);
  expect(await expirePledge(db, pledge.id, "abandoned", now)).toBe(true);
  expect(await expirePledge(db, pledge.id, "abandoned", now)).toBe(false);
  expect(await claimed(tier)).toBe(0);
  // A completion arriving after the expiry (a late webhook) counts it again, holding one unit.
  expect(await commitPledge(db, pledge.id, {}, now)).toBe("committed");
  expect(await commitPledge(db, pledge.id, {}, now)).toBe("already");
  expect(await claimed(tier)).toBe(1);
  expect(await campaignState(campaign)).toEqual({ pledged: pledge.amount, backers: 1 });
});

test("checkouts left unfinished past the hold are released by the sweep", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { stock_limit: 2 });
  const old = await startPledge(db, request(campaign, { tierId: tier }), now);
  const fresh = await startPledge(
    db,
    request(campaign, { tierId: tier }),
    new Date(now.getTime() + 20 * 60_000),
  );
  const later = new Date(now.getTime() + 36 * 60_000);
  // Other tests' checkouts in this file's database may be swept too; this campaign's are checked below.
  const gateway = createSimulatedGateway(db);
  expect(await sweepAbandonedCheckouts(db, gateway, later)).toBeGreaterThanOrEqual(1);
  expect(await sweepAbandonedCheckouts(db, gateway, later)).toBe(0);
  const statuses = await db
    .selectFrom("pledges")
    .select(["id", "status"])
    .where("id", "in", [old.id, fresh.id])
    .execute();
  expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
    [old.id]: "expired",
    [fresh.id]: "pending",
  });
  expect(await claimed(tier)).toBe(1);
});

test("a backer who cancels stops counting and frees their reward", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const tier = await createTier(db, campaign, { stock_limit: 1, min_amount: 2_000 });
  const pledge = await startPledge(db, request(campaign, { tierId: tier, amount: 2_000 }), now);
  await commitPledge(db, pledge.id, {}, now);
  expect(await cancelPledge(db, pledge.id, "backer", now)).toBe(true);
  expect(await cancelPledge(db, pledge.id, "backer", now)).toBe(false);
  expect(await campaignState(campaign)).toEqual({ pledged: 0, backers: 0 });
  expect(await claimed(tier)).toBe(0);
  await expectTotalsMatchRows(campaign);
});

test("changing reward and amount moves the totals and the stock, and refuses a sold-out reward", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline });
  const small = await createTier(db, campaign, { min_amount: 1_000, stock_limit: 5 });
  const big = await createTier(db, campaign, { min_amount: 10_000, stock_limit: 1 });
  const pledge = await startPledge(db, request(campaign, { tierId: small, amount: 1_500 }), now);
  await commitPledge(db, pledge.id, {}, now);
  const changed = await changePledge(db, pledge.id, { tierId: big, amount: 12_000 }, now);
  expect(changed).toMatchObject({ tier_id: big, amount: 12_000, holds_stock: 1 });
  expect([await claimed(small), await claimed(big)]).toEqual([0, 1]);
  expect(await campaignState(campaign)).toEqual({ pledged: 12_000, backers: 1 });

  const rival = await startPledge(db, request(campaign, { tierId: small, amount: 1_000 }), now);
  await commitPledge(db, rival.id, {}, now);
  await expect(changePledge(db, rival.id, { tierId: big, amount: 10_000 }, now)).rejects.toMatchObject({
    code: "sold_out",
  });
  await expect(changePledge(db, rival.id, { tierId: small, amount: 500 }, now)).rejects.toMatchObject({
    code: "amount_below_minimum",
  });
  await expect(
    changePledge(db, rival.id, { tierId: null, amount: 5_000 }, new Date("2026-12-09T00:00:00Z")),
  ).rejects.toMatchObject({ code: "campaign_closed" });
  await expectTotalsMatchRows(campaign);
});

test("a payment collected before its checkout completed is counted once", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline, funding_model: "flexible" });
  const pledge = await startPledge(db, request(campaign, { amount: 3_000 }), now);
  expect(await collectPledge(db, pledge.id, { paymentIntentId: "pi_1" }, now)).toBe("collected");
  expect(await commitPledge(db, pledge.id, { paymentIntentId: "pi_1" }, now)).toBe("already");
  expect(await collectPledge(db, pledge.id, { paymentIntentId: "pi_1" }, now)).toBe("already");
  expect(await campaignState(campaign)).toEqual({ pledged: 3_000, backers: 1 });
  await expectTotalsMatchRows(campaign);
});

test("refunds are cumulative: partial lowers the total, full removes the backer", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { deadline_at: deadline, funding_model: "flexible" });
  const tier = await createTier(db, campaign, { stock_limit: 3, min_amount: 1_000 });
  const pledge = await startPledge(db, request(campaign, { tierId: tier, amount: 10_000 }), now);
  await collectPledge(db, pledge.id, {}, now);
  await recordRefund(db, pledge.id, 2_500, now);
  await recordRefund(db, pledge.id, 2_500, now); // the same report again
  expect(await campaignState(campaign)).toEqual({ pledged: 7_500, backers: 1 });
  await expectTotalsMatchRows(campaign);
  await recordRefund(db, pledge.id, 10_000, now);
  expect(await campaignState(campaign)).toEqual({ pledged: 0, backers: 0 });
  expect(await claimed(tier)).toBe(0);
  const row = await db
    .selectFrom("pledges")
    .select(["status", "refunded_amount"])
    .where("id", "=", pledge.id)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ status: "refunded", refunded_amount: 10_000 });
  await expectTotalsMatchRows(campaign);
});
