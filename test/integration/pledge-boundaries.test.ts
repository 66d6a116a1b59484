// The pledge state machine's rules that mutation testing (docs/mutation-testing.md, run B) still
// found changeable: which check answers first, the amount net of refunds when a partly refunded
// pledge leaves or is paid, the repeated submission on a reward's last unit, and the race windows
// between a transaction's read and its guarded update, held open on PostgreSQL by a row lock.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { expect, test } from "vitest";
import { addStretchGoal } from "~/campaigns/authoring.server";
import { closeCampaignIfDue, closeCampaignsDue } from "~/campaigns/closing.server";
import { inTransaction } from "~/lib/db.server";
import { onCampaignPagesChanged } from "~/lib/page-changes";
import { minimumPledge } from "~/lib/currencies";
import { DAY } from "~/lib/time";
import {
  applySucceededRefund,
  cancelPledge,
  changePledge,
  collectPledge,
  commitPledge,
  dropPledge,
  expirePledge,
  getPledge,
  recordPaymentFailure,
  startPledge,
} from "~/pledges/pledges.server";
import { campaignDisputes } from "~/pledges/disputes.server";
import { adminActor, createCampaign, createTier, pledgeRequest } from "../support/factories";
import { testEngine, useTestDatabase } from "../support/database";

const database = useTestDatabase();
const launchedAt = new Date("2026-11-02T09:00:00.000Z");
const deadline = new Date("2026-11-17T22:59:59.999Z");
const during = new Date(launchedAt.getTime() + DAY);
const after = new Date(deadline.getTime() + 1);

async function campaign(values: Parameters<typeof createCampaign>[1] = {}) {
  return createCampaign(database().db, {
    launched_at: launchedAt.toISOString(),
    deadline_at: deadline.toISOString(),
    ...values,
  });
}

const request = (campaignId: string, amount: number, tierId: string | null = null) =>
  pledgeRequest(campaignId, amount, { tierId });

async function committed(campaignId: string, amount: number, tierId: string | null = null) {
  const pledge = await startPledge(database().db, request(campaignId, amount, tierId), during);
  expect(await commitPledge(database().db, pledge.id, { customerId: "sim_cus_1" }, during)).toBe("committed");
  return pledge.id;
}

async function totals(campaignId: string) {
  return database()
    .db.selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
}

async function claimed(tierId: string) {
  const tier = await database()
    .db.selectFrom("reward_tiers")
    .select("claimed_count")
    .where("id", "=", tierId)
    .executeTakeFirstOrThrow();
  return tier.claimed_count;
}

/** Money returned on a pledge before it was collected (a refund reported while it only counted). */
function refundPart(pledgeId: string, amount: number) {
  return inTransaction(database().db, (trx) =>
    applySucceededRefund(trx, { id: randomUUID(), pledgeId, amount, reserved: false }, during),
  );
}

const refused = (code: string, status: number, field?: string) =>
  expect.objectContaining({ code, status, ...(field ? { field } : {}) });

test("the currency's minimum is checked before the reward: a cent short is refused on the amount, whatever reward it names", async () => {
  const { db } = database();
  const id = await campaign();
  const elsewhere = await createTier(db, await campaign(), { min_amount: 1_000 });
  const minimum = minimumPledge("EUR");
  await expect(startPledge(db, request(id, minimum - 1, elsewhere), during)).rejects.toEqual(
    refused("amount_below_minimum", 400, "amount"),
  );
  await expect(startPledge(db, request(id, minimum, elsewhere), during)).rejects.toEqual(
    refused("tier_not_found", 400, "tierId"),
  );
});

test("only a live campaign takes pledges, even before its deadline", async () => {
  const { db } = database();
  for (const status of ["draft", "in_review", "succeeded", "failed", "canceled"] as const) {
    const id = await campaign({ status });
    await expect(startPledge(db, request(id, 2_000), during)).rejects.toEqual(
      refused("campaign_closed", 409),
    );
  }
  const live = await campaign();
  expect((await startPledge(db, request(live, 2_000), during)).status).toBe("pending");
});

test("the same form sent again gets its pledge back, even once the reward's last unit is its own or the campaign closed", async () => {
  const { db } = database();
  const id = await campaign();
  const last = await createTier(db, id, { min_amount: 1_000, stock_limit: 1 });
  const form = request(id, 2_000, last);
  const first = await startPledge(db, form, during);
  expect((await startPledge(db, form, during)).id).toBe(first.id);
  expect((await startPledge(db, form, after)).id).toBe(first.id);
  expect(await claimed(last)).toBe(1);
});

test("a double click on a reward's last unit answers both clicks with the one pledge it made", async () => {
  const { db } = database();
  const id = await campaign();
  const last = await createTier(db, id, { min_amount: 1_000, stock_limit: 1 });
  const form = request(id, 2_000, last);
  const [one, two] = await Promise.all([startPledge(db, form, during), startPledge(db, form, during)]);
  expect(two.id).toBe(one.id);
  expect(await claimed(last)).toBe(1);
  // Another backer's form still finds the reward sold out.
  await expect(startPledge(db, request(id, 2_000, last), during)).rejects.toEqual(
    refused("sold_out", 409, "tierId"),
  );
});

test("a partly refunded pledge leaves the totals with what was left of it, withdrawn or dropped", async () => {
  const { db } = database();
  const id = await campaign();
  const withdrawn = await committed(id, 5_000);
  const unpaid = await committed(id, 4_000);
  await refundPart(withdrawn, 1_500);
  await refundPart(unpaid, 1_000);
  expect(await totals(id)).toEqual({ pledged_amount: 6_500, backer_count: 2 });
  expect(await cancelPledge(db, withdrawn, "backer", during)).toBe(true);
  expect(await totals(id)).toEqual({ pledged_amount: 3_000, backer_count: 1 });
  await recordPaymentFailure(db, unpaid, "card_declined", during);
  expect(await dropPledge(db, unpaid, new Date(during.getTime() + 8 * DAY))).toBe(true);
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
});

test("a partly refunded pledge, once paid, is in the ledger for what was left of it", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 5_000);
  await refundPart(pledge, 1_500);
  expect(await collectPledge(db, pledge, { paymentIntentId: "sim_pi_part" }, during)).toBe("collected");
  const entries = await db
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select(["ledger_entries.account", "ledger_entries.amount"])
    .where("ledger_transactions.pledge_id", "=", pledge)
    .where("ledger_transactions.kind", "=", "collected")
    .orderBy("ledger_entries.account")
    .execute();
  expect(entries).toEqual([
    { account: `owner:${id}`, amount: -3_500 },
    { account: "stripe_balance", amount: 3_500 },
  ]);
});

test("a collected pledge is refused as not changeable, whatever the change asks", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 3_000);
  await collectPledge(db, pledge, {}, during);
  await expect(
    changePledge(db, pledge, { tierId: null, amount: minimumPledge("EUR") - 1 }, during),
  ).rejects.toEqual(refused("not_changeable", 409));
  await expect(changePledge(db, pledge, { tierId: randomUUID(), amount: 3_000 }, during)).rejects.toEqual(
    refused("not_changeable", 409),
  );
});

test("a change after the deadline reads on the pledge's page as a locked pledge", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 3_000);
  await expect(changePledge(db, pledge, { tierId: null, amount: 3_500 }, after)).rejects.toEqual(
    expect.objectContaining({ code: "campaign_closed", status: 409, messageKey: "pledgePage.locked" }),
  );
});

/**
 * Runs `calls` while another transaction holds the pledge's row lock, and lets it go once all of them
 * wait for it: each has read the pledge as it was, and the first to get the row changes it under the
 * others' feet. SQLite runs one writer at a time and cannot open that window: there the calls run as
 * they come, and the same outcome must hold.
 */
async function raceOnRow<T>(pledgeId: string, calls: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  const { db } = database();
  if (testEngine() !== "postgres") return Promise.allSettled(calls());
  const holder = await db.startTransaction().execute();
  let running: Promise<T>[] = [];
  try {
    await holder.selectFrom("pledges").select("id").where("id", "=", pledgeId).forUpdate().execute();
    running = calls();
    for (let waited = 0; ; waited += 20) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      if (rows[0]!.n >= running.length) break;
      if (waited > 10_000) throw new Error("the calls never waited for the row");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await holder.commit().execute();
  }
  return Promise.allSettled(running);
}

const outcomes = <T>(results: PromiseSettledResult<T>[]) =>
  results.map((r) => (r.status === "fulfilled" ? r.value : r.reason)).sort();

test("three completions of one checkout at once count it once, and the pledge keeps what each brought", async () => {
  const { db } = database();
  const id = await campaign();
  const tier = await createTier(db, id, { min_amount: 1_000, stock_limit: 5 });
  const pledge = await startPledge(db, request(id, 3_000, tier), during);
  const results = await raceOnRow(pledge.id, () => [
    commitPledge(db, pledge.id, { customerId: "sim_cus_race", paymentMethodId: "sim_pm_race" }, during),
    commitPledge(db, pledge.id, { setupIntentId: "sim_seti_race" }, during),
    // An event that brings nothing new has nothing to keep.
    commitPledge(db, pledge.id, {}, during),
  ]);
  expect(outcomes(results)).toEqual(["already", "already", "committed"]);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "committed",
    stripe_customer_id: "sim_cus_race",
    payment_method_id: "sim_pm_race",
    setup_intent_id: "sim_seti_race",
  });
  expect(await totals(id)).toEqual({ pledged_amount: 3_000, backer_count: 1 });
  expect(await claimed(tier)).toBe(1);
});

test("two late completions of an abandoned checkout at once count it once, on one unit", async () => {
  const { db } = database();
  const id = await campaign();
  const tier = await createTier(db, id, { min_amount: 1_000, stock_limit: 5 });
  const pledge = await startPledge(db, request(id, 3_000, tier), during);
  expect(await expirePledge(db, pledge.id, "abandoned", during)).toBe(true);
  const results = await raceOnRow(pledge.id, () => [
    commitPledge(db, pledge.id, { customerId: "sim_cus_late" }, during),
    commitPledge(db, pledge.id, { customerId: "sim_cus_late" }, during),
  ]);
  expect(outcomes(results)).toEqual(["already", "committed"]);
  expect(await getPledge(db, pledge.id)).toMatchObject({ status: "committed", holds_stock: 1 });
  expect(await totals(id)).toEqual({ pledged_amount: 3_000, backer_count: 1 });
  expect(await claimed(tier)).toBe(1);
});

test("two completions of one checkout after the deadline at once refuse it once", async () => {
  const { db } = database();
  const id = await campaign();
  const tier = await createTier(db, id, { min_amount: 1_000, stock_limit: 5 });
  const pledge = await startPledge(db, request(id, 3_000, tier), during);
  const results = await raceOnRow(pledge.id, () => [
    commitPledge(db, pledge.id, { customerId: "sim_cus_closed" }, after),
    commitPledge(db, pledge.id, { customerId: "sim_cus_closed" }, after),
  ]);
  expect(outcomes(results)).toEqual(["not_pending", "too_late"]);
  expect(await getPledge(db, pledge.id)).toMatchObject({
    status: "expired",
    cancel_reason: "late_campaign_closed",
  });
  expect(await claimed(tier)).toBe(0);
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
});

test("a campaign's disputes are listed with their backer's name, and only that campaign's", async () => {
  const { db } = database();
  const id = await campaign();
  const other = await campaign();
  const dispute = async (campaignId: string, amount: number) => {
    const pledge = await committed(campaignId, amount);
    await collectPledge(db, pledge, { paymentIntentId: `sim_pi_${pledge}` }, during);
    const disputeId = randomUUID();
    await db
      .insertInto("disputes")
      .values({
        id: disputeId,
        pledge_id: pledge,
        charge_id: `sim_ch_${pledge}`,
        amount,
        currency: "EUR",
        reason: "fraudulent",
        status: "needs_response",
        created_at: during.toISOString(),
        updated_at: during.toISOString(),
      })
      .execute();
    return disputeId;
  };
  const mine = await dispute(id, 2_500);
  await dispute(other, 4_000);
  expect(await campaignDisputes(db, id)).toEqual([
    {
      id: mine,
      amount: 2_500,
      currency: "EUR",
      status: "needs_response",
      reason: "fraudulent",
      backer_name: "Awa",
    },
  ]);
});

test("closing a campaign tells the page cache once it closed, and not when nothing was due", async () => {
  const { db } = database();
  let told = 0;
  const stop = onCampaignPagesChanged(() => told++);
  try {
    // Due before every other campaign of this file: the close below closes this one only.
    const early = new Date(launchedAt.getTime() + 2 * DAY);
    const first = await campaign({ deadline_at: early.toISOString() });
    const second = await campaign({ deadline_at: early.toISOString() });
    const before = new Date(early.getTime() - 1);
    expect(await closeCampaignsDue(db, before)).toEqual([]);
    expect(await closeCampaignIfDue(db, first, before)).toBeNull();
    expect(told).toBe(0);
    expect(await closeCampaignIfDue(db, first, early)).toBe("failed");
    expect(told).toBe(1);
    expect(await closeCampaignsDue(db, early)).toEqual([{ id: second, outcome: "failed" }]);
    expect(told).toBe(2);
    expect(await closeCampaignIfDue(db, first, early)).toBeNull();
    expect(told).toBe(2);
  } finally {
    stop();
  }
});

test("a stretch goal added below the total is announced when the total next rises, not when a backer withdraws", async () => {
  const { db } = database();
  const id = await campaign({ goal_amount: 100_000 });
  const leaving = await committed(id, 3_000);
  await committed(id, 5_000);
  const goal = await addStretchGoal(
    db,
    { campaignId: id, actor: adminActor },
    { title: "Un banc", target: 4_000 },
  );
  const milestones = async () =>
    (
      await db.selectFrom("campaign_milestones").select("milestone").where("campaign_id", "=", id).execute()
    ).map((m) => m.milestone);
  expect(await milestones()).toEqual([]);
  expect(await cancelPledge(db, leaving, "backer", during)).toBe(true);
  expect(await milestones()).toEqual([]);
  await committed(id, 2_000);
  expect(await milestones()).toEqual([`stretch:${goal}`]);
});
