// The pledge's rules one by one, each at its edge and with what it answers (code, status, field),
// called as the domain is called, below the forms that usually filter first: mutation testing
// (docs/mutation-testing.md) found each of these changeable without a test noticing.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { inTransaction } from "~/lib/db.server";
import { maximumPledge, minimumPledge } from "~/lib/currencies";
import { DAY } from "~/lib/time";
import {
  applySucceededRefund,
  cancelPledge,
  changePledge,
  collectPledge,
  commitPledge,
  dropPledge,
  expirePledge,
  findPledgeByRefs,
  getPledge,
  markPaymentProcessing,
  recordPaymentFailure,
  recordRefund,
  startPledge,
} from "~/pledges/pledges.server";
import { createCampaign, createTier, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const launchedAt = new Date("2026-11-02T09:00:00.000Z");
const deadline = new Date("2026-11-17T22:59:59.999Z");
const during = new Date(launchedAt.getTime() + DAY);

async function campaign(values: Parameters<typeof createCampaign>[1] = {}) {
  return createCampaign(database().db, {
    launched_at: launchedAt.toISOString(),
    deadline_at: deadline.toISOString(),
    ...values,
  });
}

const request = (campaignId: string, amount: number, tierId: string | null = null) =>
  pledgeRequest(campaignId, amount, { tierId });

const refs = (id: string) => ({ customerId: `sim_cus_${id}`, paymentMethodId: "sim_pm_card_visa" });

async function committed(campaignId: string, amount: number, tierId: string | null = null) {
  const pledge = await startPledge(database().db, request(campaignId, amount, tierId), during);
  expect(await commitPledge(database().db, pledge.id, refs(pledge.id), during)).toBe("committed");
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

async function emails(pledgeId: string, kind: string) {
  return database()
    .db.selectFrom("email_outbox")
    .select(["dedupe_key", "props"])
    .where("pledge_id", "=", pledgeId)
    .where("kind", "=", kind)
    .execute();
}

const refused = (code: string, status: number, field?: string) =>
  expect.objectContaining({ code, status, ...(field ? { field } : {}) });

test("an amount is refused on its field when Stripe would not charge it, or beyond the largest pledge", async () => {
  const { db } = database();
  const euros = await campaign();
  const largest = maximumPledge("EUR");
  expect((await startPledge(db, request(euros, largest), during)).amount).toBe(largest);
  await expect(startPledge(db, request(euros, largest + 1), during)).rejects.toEqual(
    refused("amount_too_large", 400, "amount"),
  );
  await expect(startPledge(db, request(euros, minimumPledge("EUR") - 1), during)).rejects.toEqual(
    refused("amount_below_minimum", 400, "amount"),
  );
  // Forints: Stripe takes whole forints only, that is multiples of 100 in minor units.
  const forints = await campaign({ currency: "HUF", goal_amount: 100_000_000 });
  await expect(startPledge(db, request(forints, 500_050), during)).rejects.toEqual(
    refused("amount_not_chargeable", 400, "amount"),
  );
  expect((await startPledge(db, request(forints, 500_000), during)).amount).toBe(500_000);
});

test("a reward that does not exist, or is sold out, is refused on the reward field", async () => {
  const { db } = database();
  const id = await campaign();
  const other = await campaign();
  const elsewhere = await createTier(db, other, { min_amount: 1_000 });
  await expect(startPledge(db, request(id, 5_000, elsewhere), during)).rejects.toEqual(
    refused("tier_not_found", 400, "tierId"),
  );
  const last = await createTier(db, id, { min_amount: 1_000, stock_limit: 1 });
  await committed(id, 5_000, last);
  await expect(startPledge(db, request(id, 5_000, last), during)).rejects.toEqual(
    refused("sold_out", 409, "tierId"),
  );
});

test("pledges are taken until the deadline's last millisecond, not at its instant", async () => {
  const { db } = database();
  const id = await campaign();
  const before = new Date(deadline.getTime() - 1);
  expect((await startPledge(db, request(id, 2_000), before)).status).toBe("pending");
  await expect(startPledge(db, request(id, 2_000), deadline)).rejects.toEqual(
    refused("campaign_closed", 409),
  );
});

test("an unknown campaign or pledge is a 404 with its own code", async () => {
  const { db } = database();
  await expect(startPledge(db, request(randomUUID(), 2_000), during)).rejects.toEqual(
    refused("campaign_not_found", 404),
  );
  await expect(commitPledge(db, randomUUID(), refs("x"), during)).rejects.toEqual(
    refused("pledge_not_found", 404),
  );
});

test("a completion for a pledge already counted or failed is 'already', for a withdrawn one 'not_pending'", async () => {
  const { db } = database();
  const id = await campaign();
  const counted = await committed(id, 3_000);
  expect(await commitPledge(db, counted, {}, during)).toBe("already");
  await collectPledge(db, counted, { paymentIntentId: "sim_pi_a" }, during);
  expect(await commitPledge(db, counted, {}, during)).toBe("already");
  const failed = await committed(id, 3_000);
  await recordPaymentFailure(db, failed, "card_declined", during);
  // A later event brings the card the first one lacked: kept, and still "already".
  expect(await commitPledge(db, failed, { paymentMethodId: "sim_pm_card_new" }, during)).toBe("already");
  expect((await getPledge(db, failed))?.payment_method_id).toBe("sim_pm_card_new");
  // Without news, a failed pledge is "already" too; with a card, a collected one keeps it.
  expect(await commitPledge(db, failed, {}, during)).toBe("already");
  expect(await commitPledge(db, counted, { paymentMethodId: "sim_pm_card_later" }, during)).toBe("already");
  expect((await getPledge(db, counted))?.payment_method_id).toBe("sim_pm_card_later");
  const withdrawn = await committed(id, 3_000);
  await cancelPledge(db, withdrawn, "backer", during);
  expect(await commitPledge(db, withdrawn, {}, during)).toBe("not_pending");
  expect(await totals(id)).toEqual({ pledged_amount: 6_000, backer_count: 2 });
});

test("an abandoned checkout can be withdrawn: canceled, its unit back, never counted", async () => {
  const { db } = database();
  const id = await campaign();
  const tier = await createTier(db, id, { min_amount: 1_000, stock_limit: 3 });
  const pending = await startPledge(db, request(id, 2_000, tier), during);
  expect(await claimed(tier)).toBe(1);
  expect(await cancelPledge(db, pending.id, "backer", during)).toBe(true);
  expect(await getPledge(db, pending.id)).toMatchObject({
    status: "canceled",
    cancel_reason: "backer",
    canceled_at: during.toISOString(),
    holds_stock: 0,
  });
  expect(await claimed(tier)).toBe(0);
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
  expect(await cancelPledge(db, pending.id, "backer", during)).toBe(false);
  expect(await expirePledge(db, pending.id, "abandoned", during)).toBe(false);
});

test("a payment taken before the checkout's completion counts it at once, with what the payment says", async () => {
  const { db } = database();
  const id = await campaign();
  const pending = await startPledge(db, request(id, 4_000), during);
  expect(await collectPledge(db, pending.id, { paymentIntentId: "sim_pi_early" }, during)).toBe("collected");
  expect(await getPledge(db, pending.id)).toMatchObject({
    status: "collected",
    payment_intent_id: "sim_pi_early",
    committed_at: during.toISOString(),
    collected_at: during.toISOString(),
  });
  expect(await totals(id)).toEqual({ pledged_amount: 4_000, backer_count: 1 });
  expect(await collectPledge(db, pending.id, {}, during)).toBe("already");
  const withdrawn = await startPledge(db, request(id, 4_000), during);
  await cancelPledge(db, withdrawn.id, "backer", during);
  expect(await collectPledge(db, withdrawn.id, {}, during)).toBe("not_collectable");
  expect(await totals(id)).toEqual({ pledged_amount: 4_000, backer_count: 1 });
});

test("a debit on its way is marked once, from committed or failed only", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 3_000);
  expect(await markPaymentProcessing(db, pledge, { paymentIntentId: "sim_pi_d" }, during)).toBe(true);
  expect(await markPaymentProcessing(db, pledge, {}, during)).toBe(false);
  const failed = await committed(id, 3_000);
  await recordPaymentFailure(db, failed, "card_declined", during);
  expect(await markPaymentProcessing(db, failed, {}, during)).toBe(true);
  const collected = await committed(id, 3_000);
  await collectPledge(db, collected, {}, during);
  expect(await markPaymentProcessing(db, collected, {}, during)).toBe(false);
});

test("a failure keeps 500 characters of its reason, and a late failure of a collected pledge tells no one", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 3_000);
  await recordPaymentFailure(db, pledge, `declined ${"x".repeat(600)}`, during);
  const first = await getPledge(db, pledge);
  expect(first?.status).toBe("payment_failed");
  expect(first?.last_payment_error).toHaveLength(500);
  // A second failure (the retry) on a failed pledge still records its reason and clears the debit.
  await markPaymentProcessing(db, pledge, {}, during);
  await recordPaymentFailure(db, pledge, "insufficient_funds", new Date(during.getTime() + DAY));
  expect(await getPledge(db, pledge)).toMatchObject({
    status: "payment_failed",
    last_payment_error: "insufficient_funds",
    payment_processing_at: null,
  });
  const collected = await committed(id, 3_000);
  await collectPledge(db, collected, {}, during);
  await recordPaymentFailure(db, collected, "card_declined", during);
  expect((await getPledge(db, collected))?.status).toBe("collected");
  expect(await emails(collected, "payment_failed")).toEqual([]);
});

test("only a failed pledge is dropped, with the moment it was", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 3_000);
  expect(await dropPledge(db, pledge, during)).toBe(false);
  await recordPaymentFailure(db, pledge, "card_declined", during);
  const later = new Date(during.getTime() + 8 * DAY);
  expect(await dropPledge(db, pledge, later)).toBe(true);
  expect(await getPledge(db, pledge)).toMatchObject({ status: "dropped", canceled_at: later.toISOString() });
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
});

test("a refund never goes beyond the pledge: refused, and nothing moves", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 3_000);
  await collectPledge(db, pledge, {}, during);
  await expect(
    inTransaction(db, (trx) =>
      applySucceededRefund(
        trx,
        { id: randomUUID(), pledgeId: pledge, amount: 3_001, reserved: false },
        during,
      ),
    ),
  ).rejects.toEqual(refused("refund_exceeds_pledge", 500));
  expect(await totals(id)).toEqual({ pledged_amount: 3_000, backer_count: 1 });
  expect((await getPledge(db, pledge))?.refunded_amount).toBe(0);
});

test("a partial refund keeps the reward's unit; the full one gives it back and the backer leaves", async () => {
  const { db } = database();
  const id = await campaign();
  const tier = await createTier(db, id, { min_amount: 1_000, stock_limit: 2 });
  const pledge = await committed(id, 5_000, tier);
  await collectPledge(db, pledge, {}, during);
  await recordRefund(db, pledge, 2_000, during);
  expect(await getPledge(db, pledge)).toMatchObject({
    status: "collected",
    refunded_amount: 2_000,
    holds_stock: 1,
  });
  expect(await claimed(tier)).toBe(1);
  expect(await totals(id)).toEqual({ pledged_amount: 3_000, backer_count: 1 });
  const rows = await db
    .selectFrom("refunds")
    .select(["amount", "origin", "status"])
    .where("pledge_id", "=", pledge)
    .execute();
  expect(rows).toEqual([{ amount: 2_000, origin: "gateway", status: "succeeded" }]);
  await recordRefund(db, pledge, 5_000, during);
  expect(await getPledge(db, pledge)).toMatchObject({
    status: "refunded",
    refunded_amount: 5_000,
    holds_stock: 0,
  });
  expect(await claimed(tier)).toBe(0);
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
});

test("a refund of a pledge that counts without being collected lowers the totals; of one that no longer counts, not", async () => {
  const { db } = database();
  const id = await campaign();
  for (const status of ["committed", "payment_failed"] as const) {
    const pledge = await committed(id, 3_000);
    if (status === "payment_failed") await recordPaymentFailure(db, pledge, "card_declined", during);
    await inTransaction(db, (trx) =>
      applySucceededRefund(
        trx,
        { id: randomUUID(), pledgeId: pledge, amount: 3_000, reserved: false },
        during,
      ),
    );
    expect((await getPledge(db, pledge))?.status).toBe("refunded");
  }
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
  // A dropped pledge no longer counts: money returned on it later changes no total.
  const dropped = await committed(id, 3_000);
  await recordPaymentFailure(db, dropped, "card_declined", during);
  await dropPledge(db, dropped, during);
  await inTransaction(db, (trx) =>
    applySucceededRefund(
      trx,
      { id: randomUUID(), pledgeId: dropped, amount: 1_000, reserved: false },
      during,
    ),
  );
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
  expect((await getPledge(db, dropped))?.status).toBe("dropped");
  // None of them was ever collected: the ledger, which holds only money taken, has no refund of theirs.
  const postings = await db
    .selectFrom("ledger_transactions")
    .select("kind")
    .where("campaign_id", "=", id)
    .execute();
  expect(postings).toEqual([]);
});

test("a checkout completed after the deadline is refused and the backer told why; so is a late one", async () => {
  const { db } = database();
  const id = await campaign();
  const after = new Date(deadline.getTime() + 1);
  const pending = await startPledge(db, request(id, 2_500), during);
  expect(await commitPledge(db, pending.id, refs(pending.id), after)).toBe("too_late");
  expect(await getPledge(db, pending.id)).toMatchObject({
    status: "expired",
    cancel_reason: "late_campaign_closed",
    late_release: null,
  });
  const [notice] = await emails(pending.id, "late_checkout_refused");
  expect(JSON.parse(notice!.props)).toMatchObject({ reason: "campaign_closed", payment: "card_not_kept" });
  // Expired as abandoned before the deadline, completed after it: reconciled, and refused.
  const abandoned = await startPledge(db, request(id, 2_500), during);
  await expirePledge(db, abandoned.id, "abandoned", during);
  expect(await commitPledge(db, abandoned.id, refs(abandoned.id), after)).toBe("late_refused");
  expect((await getPledge(db, abandoned.id))?.cancel_reason).toBe("late_campaign_closed");
  expect(await totals(id)).toEqual({ pledged_amount: 0, backer_count: 0 });
});

test("a gateway object finds its pledge by our id, else by the most specific reference it carries", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 2_000);
  await db
    .updateTable("pledges")
    .set({ checkout_session_id: "cs_1", charge_id: "ch_1", payment_intent_id: "pi_1" })
    .where("id", "=", pledge)
    .execute();
  const found = async (refs: Parameters<typeof findPledgeByRefs>[1]) =>
    (await findPledgeByRefs(db, refs))?.id;
  expect(await found({ pledgeId: pledge })).toBe(pledge);
  // An id in metadata that is not ours (another platform on the account) does not stop the search.
  expect(await found({ pledgeId: randomUUID(), checkoutSessionId: "cs_1" })).toBe(pledge);
  expect(await found({ pledgeId: null, chargeId: "ch_1" })).toBe(pledge);
  expect(await found({ paymentIntentId: "pi_1" })).toBe(pledge);
  expect(await found({ checkoutSessionId: "cs_unknown", paymentIntentId: "pi_unknown" })).toBeUndefined();
});

test("changing a pledge: only a saved card before the deadline; the same reward keeps its unit", async () => {
  const { db } = database();
  const id = await campaign();
  const only = await createTier(db, id, { min_amount: 1_000, stock_limit: 1 });
  const pledge = await committed(id, 2_000, only);
  // The last unit is this pledge's own: a new amount on the same reward needs no other.
  expect(await changePledge(db, pledge, { tierId: only, amount: 3_500 }, during)).toMatchObject({
    amount: 3_500,
    tier_id: only,
  });
  expect(await claimed(only)).toBe(1);
  expect(await totals(id)).toEqual({ pledged_amount: 3_500, backer_count: 1 });
  const other = await committed(id, 2_000);
  await expect(changePledge(db, other, { tierId: only, amount: 2_000 }, during)).rejects.toEqual(
    refused("sold_out", 409, "tierId"),
  );
  await collectPledge(db, other, {}, during);
  await expect(changePledge(db, other, { tierId: null, amount: 2_500 }, during)).rejects.toEqual(
    refused("not_changeable", 409),
  );
  await expect(changePledge(db, pledge, { tierId: only, amount: 4_000 }, deadline)).rejects.toEqual(
    refused("campaign_closed", 409),
  );
  const flexible = await campaign({ funding_model: "flexible" });
  const authorised = await committed(flexible, 2_000);
  await expect(changePledge(db, authorised, { tierId: null, amount: 2_500 }, during)).rejects.toEqual(
    refused("not_changeable", 409),
  );
  expect(await totals(id)).toEqual({ pledged_amount: 5_500, backer_count: 2 });
});

test("ten changes of one pledge at once: each applies to what it read, or is refused, and the totals equal the rows", async () => {
  const { db } = database();
  const id = await campaign();
  const pledge = await committed(id, 2_000);
  const amounts = Array.from({ length: 10 }, (_, i) => 2_100 + i * 100);
  const results = await Promise.allSettled(
    amounts.map((amount) => changePledge(db, pledge, { tierId: null, amount }, during)),
  );
  const applied = results.filter((r) => r.status === "fulfilled").length;
  expect(applied).toBeGreaterThan(0);
  for (const result of results) {
    if (result.status === "rejected") expect(result.reason).toEqual(refused("not_changeable", 409));
  }
  const final = (await getPledge(db, pledge))!.amount;
  expect(amounts).toContain(final);
  expect(await totals(id)).toEqual({ pledged_amount: final, backer_count: 1 });
  expect(await recomputeTotals(db, id)).toEqual({ pledged: final, backers: 1 });
});
