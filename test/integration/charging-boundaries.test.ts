// The charge run's rules at their edges, where mutation run A left them changeable
// (docs/mutation-testing.md): what a run asks the gateway (the amount net of refunds, the saved card,
// the key), when it stops (a pledge that cannot be charged now, a gateway that does not answer, more
// pledges than a batch), how many charges are in flight, which failed pledges are charged again, the
// drop after the grace period and its email, and the summary owners and admins read.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { expect, test } from "vitest";
import type { ChargeRequest, PaymentGateway } from "~/payments/gateway";
import { createSimulatedGateway, simulatedSepaPaymentMethod } from "~/payments/simulated.server";
import { getPledge } from "~/pledges/pledges.server";
import {
  chargeKey,
  chargePledgeNow,
  chargeSummary,
  dropUnpaidPledges,
  GRACE_PERIOD,
  runChargeRun,
  updateCardAfterFailure,
  type ChargeRunOptions,
} from "~/pledges/charging.server";
import type { NewPledge } from "#db/schema.ts";
import { createCampaign, createPledge } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const closedAt = new Date("2026-12-09T10:00:00.000Z");
const idle = { charged: 0, processing: 0, failed: 0, errors: 0 };

/**
 * A campaign for one test. A run charges every due pledge of every campaign: those earlier tests left
 * due on purpose are set aside first, so that each test's run sees its own pledges only.
 */
async function campaignOfItsOwn(values: Parameters<typeof createCampaign>[1] = {}) {
  const { db } = database();
  await db
    .updateTable("pledges")
    .set({ status: "canceled" })
    .where("status", "in", ["committed", "payment_failed"])
    .execute();
  // Generous totals: the pledges below are written as rows, not counted one by one.
  return createCampaign(db, { pledged_amount: 1_000_000, backer_count: 100, ...values });
}

const succeeded = (values: Parameters<typeof createCampaign>[1] = {}) =>
  campaignOfItsOwn({ status: "succeeded", closed_at: closedAt.toISOString(), ...values });

let order = 0;
/** A pledge with a saved card, created after the previous one (the run charges the oldest first). */
async function pledge(campaignId: string, values: Partial<NewPledge> = {}) {
  const id = randomUUID();
  await createPledge(database().db, campaignId, {
    id,
    stripe_customer_id: `sim_cus_${id}`,
    payment_method_id: "sim_pm_card_visa",
    created_at: new Date(Date.parse("2026-11-25T10:00:00.000Z") + ++order * 1_000).toISOString(),
    ...values,
  });
  return id;
}

/** The simulated gateway, with every charge it was asked for; `refuse` throws (no answer) for those pledges. */
function recording(refuse: (request: ChargeRequest) => boolean = () => false, delay = 0) {
  const inner = createSimulatedGateway(database().db);
  const asked: ChargeRequest[] = [];
  let inFlight = 0;
  const stats = { maxInFlight: 0 };
  const gateway: PaymentGateway = {
    ...inner,
    async chargeSavedCard(request) {
      asked.push(request);
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        if (refuse(request)) throw new Error("socket hang up");
        return await inner.chargeSavedCard(request);
      } finally {
        inFlight--;
      }
    },
  };
  return { gateway, asked, stats };
}

/** One run; a run that keeps claiming (more than 50 rounds for a handful of pledges) fails instead of hanging. */
function run(gateway: PaymentGateway, options: ChargeRunOptions = {}, at = closedAt) {
  const { db, engine } = database();
  let rounds = 0;
  const clock = () => {
    if (++rounds > 50) throw new Error("the charge run never ends");
    return at;
  };
  return runChargeRun({ db, engine, gateway, clock }, { rate: 1_000, ...options });
}

async function status(id: string) {
  return (await getPledge(database().db, id))?.status;
}

test("the gateway is asked for what is left after refunds, on the saved card, with the attempt's key", async () => {
  const campaign = await succeeded();
  const id = await pledge(campaign, { amount: 5_000, refunded_amount: 1_500 });
  const { gateway, asked } = recording();
  expect(await run(gateway)).toEqual({ ...idle, charged: 1 });
  expect(asked).toEqual([
    {
      pledgeId: id,
      campaignId: campaign,
      amount: 3_500,
      currency: "EUR",
      customerId: `sim_cus_${id}`,
      paymentMethodId: "sim_pm_card_visa",
      idempotencyKey: chargeKey(id, 1),
      description: `Pledge ${id}`,
    },
  ]);
  expect(await getPledge(database().db, id)).toMatchObject({ status: "collected", charge_attempts: 1 });
});

test("a pledge without a saved card or customer is not sent to the gateway, and the run still ends", async () => {
  const campaign = await succeeded();
  const noCard = await pledge(campaign, { payment_method_id: null });
  const noCustomer = await pledge(campaign, { stripe_customer_id: null });
  const payable = await pledge(campaign);
  const { gateway, asked } = recording();
  expect(await run(gateway)).toEqual({ ...idle, charged: 1, errors: 2 });
  expect(asked.map((r) => r.pledgeId)).toEqual([payable]);
  expect([await status(noCard), await status(noCustomer), await status(payable)]).toEqual([
    "committed",
    "committed",
    "collected",
  ]);
});

test("a charge the gateway did not answer is left for the next run, with its claim released and the same key", async () => {
  const { db } = database();
  const campaign = await succeeded();
  const unanswered = await pledge(campaign);
  const others = [await pledge(campaign), await pledge(campaign)];
  const down = recording((r) => r.pledgeId === unanswered);
  expect(await run(down.gateway, { batch: 2 })).toEqual({ ...idle, charged: 2, errors: 1 });
  expect(down.asked.filter((r) => r.pledgeId === unanswered)).toHaveLength(1);
  expect(await getPledge(db, unanswered)).toMatchObject({
    status: "committed",
    charge_attempts: 0,
    charge_claimed_by: null,
    charge_claimed_at: null,
  });
  for (const id of others) expect(await status(id)).toBe("collected");
  const up = recording();
  expect(await run(up.gateway)).toEqual({ ...idle, charged: 1 });
  expect(up.asked.map((r) => r.idempotencyKey)).toEqual([chargeKey(unanswered, 1)]);
});

test("a batch with a charge left unanswered goes on when the others were answered, declined or sent", async () => {
  for (const [paymentMethodId, answered] of [
    ["sim_pm_card_chargeDeclined", "failed"],
    [simulatedSepaPaymentMethod("sepa_succeeds_later"), "processing"],
  ] as const) {
    const campaign = await succeeded();
    const unanswered = await pledge(campaign);
    await pledge(campaign, { payment_method_id: paymentMethodId });
    const payable = await pledge(campaign);
    const { gateway } = recording((r) => r.pledgeId === unanswered);
    expect(await run(gateway, { batch: 2 })).toEqual({ ...idle, errors: 1, [answered]: 1, charged: 1 });
    expect(await status(payable)).toBe("collected");
  }
});

test("when the gateway answers no one the run stops after its first batch", async () => {
  const campaign = await succeeded();
  const ids = [await pledge(campaign), await pledge(campaign), await pledge(campaign)];
  const down = recording(() => true);
  expect(await run(down.gateway, { batch: 2 })).toEqual({ ...idle, errors: 2 });
  expect(down.asked.map((r) => r.pledgeId).sort()).toEqual(ids.slice(0, 2).sort());
  for (const id of ids) expect(await status(id)).toBe("committed");
});

test("a run charges every due pledge, batch after batch", async () => {
  const campaign = await succeeded();
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await pledge(campaign));
  expect(await run(recording().gateway, { batch: 2 })).toEqual({ ...idle, charged: 5 });
  for (const id of ids) expect(await status(id)).toBe("collected");
});

test("no more charges are in flight than the concurrency allows", async () => {
  const campaign = await succeeded();
  for (let i = 0; i < 6; i++) await pledge(campaign);
  const { gateway, stats } = recording(() => false, 60);
  expect(await run(gateway, { concurrency: 2 })).toEqual({ ...idle, charged: 6 });
  expect(stats.maxInFlight).toBe(2);
});

test("a flexible pledge is charged again only once its debit failed and its backer gave a new account", async () => {
  const flexible = await campaignOfItsOwn({ funding_model: "flexible" });
  const retry = await pledge(flexible, { status: "payment_failed", retry_requested: 1 });
  const waiting = await pledge(flexible, { status: "payment_failed", retry_requested: 0 });
  const authorised = await pledge(flexible, { status: "committed" });
  const { gateway, asked } = recording();
  expect(await run(gateway)).toEqual({ ...idle, charged: 1 });
  expect(asked.map((r) => r.pledgeId)).toEqual([retry]);
  expect([await status(retry), await status(waiting), await status(authorised)]).toEqual([
    "collected",
    "payment_failed",
    "committed",
  ]);
});

test("charging one pledge now charges that one, and only when it is due", async () => {
  const { db, engine } = database();
  const campaign = await succeeded();
  const older = await pledge(campaign);
  const failed = await pledge(campaign, { status: "payment_failed", retry_requested: 0 });
  const { gateway, asked } = recording();
  const deps = { db, engine, gateway, clock: () => closedAt };
  expect(await chargePledgeNow(deps, failed)).toBe("not_due");
  expect(await updateCardAfterFailure(db, failed, { paymentMethodId: "sim_pm_card_visa" }, closedAt)).toBe(
    true,
  );
  expect(await chargePledgeNow(deps, failed)).toBe("charged");
  expect(asked.map((r) => r.pledgeId)).toEqual([failed]);
  expect(await status(older)).toBe("committed");
  expect(await chargePledgeNow(deps, failed)).toBe("not_due");
});

test("a new card after a failure is kept with its customer, and only on a failed pledge", async () => {
  const { db } = database();
  const campaign = await succeeded();
  const failed = await pledge(campaign, { status: "payment_failed", stripe_customer_id: "sim_cus_old" });
  expect(
    await updateCardAfterFailure(
      db,
      failed,
      { paymentMethodId: "sim_pm_new", customerId: "sim_cus_new" },
      closedAt,
    ),
  ).toBe(true);
  expect(await getPledge(db, failed)).toMatchObject({
    payment_method_id: "sim_pm_new",
    stripe_customer_id: "sim_cus_new",
    retry_requested: 1,
  });
  await updateCardAfterFailure(db, failed, { paymentMethodId: "sim_pm_newer", customerId: null }, closedAt);
  expect(await getPledge(db, failed)).toMatchObject({
    payment_method_id: "sim_pm_newer",
    stripe_customer_id: "sim_cus_new",
  });
  const committed = await pledge(campaign, { payment_method_id: "sim_pm_first" });
  expect(await updateCardAfterFailure(db, committed, { paymentMethodId: "sim_pm_new" }, closedAt)).toBe(
    false,
  );
  expect(await getPledge(db, committed)).toMatchObject({
    payment_method_id: "sim_pm_first",
    retry_requested: 0,
  });
});

test("a pledge still failing exactly 7 days after its failure is dropped and its backer told, each once", async () => {
  const { db } = database();
  const campaign = await succeeded({ title: "Le fournil" });
  const failedAt = closedAt.toISOString();
  const failed = { status: "payment_failed" as const, payment_failed_at: failedAt };
  const first = await pledge(campaign, { ...failed, amount: 2_500, backer_email: "ana@example.org" });
  const second = await pledge(campaign, { ...failed, amount: 4_000, backer_email: "ben@example.org" });
  const settling = await pledge(campaign, { ...failed, payment_processing_at: failedAt });
  const graceEnds = new Date(closedAt.getTime() + GRACE_PERIOD);
  expect(await dropUnpaidPledges(db, new Date(graceEnds.getTime() - 1))).toBe(0);
  expect(await dropUnpaidPledges(db, graceEnds)).toBe(2);
  expect(await dropUnpaidPledges(db, graceEnds)).toBe(0);
  expect([await status(first), await status(second), await status(settling)]).toEqual([
    "dropped",
    "dropped",
    "payment_failed",
  ]);
  const emails = await db
    .selectFrom("email_outbox")
    .select(["pledge_id", "dedupe_key", "to_email", "props"])
    .where("kind", "=", "pledge_dropped")
    .where("campaign_id", "=", campaign)
    .orderBy("to_email")
    .execute();
  expect(emails.map((e) => [e.pledge_id, e.dedupe_key, e.to_email])).toEqual([
    [first, `pledge-dropped:${first}`, "ana@example.org"],
    [second, `pledge-dropped:${second}`, "ben@example.org"],
  ]);
  expect(JSON.parse(emails[0]!.props)).toMatchObject({ amount: 2_500, campaign: { title: "Le fournil" } });
  expect(JSON.parse(emails[1]!.props)).toMatchObject({ amount: 4_000 });
});

test("the charge summary puts each pledge in one line: collected, to charge, in progress, failing, dropped", async () => {
  const campaign = await succeeded();
  const debit = closedAt.toISOString();
  await pledge(campaign, { status: "collected", amount: 1_000, refunded_amount: 200 });
  await pledge(campaign, { status: "committed", amount: 2_000 });
  await pledge(campaign, { status: "committed", amount: 3_000, payment_processing_at: debit });
  await pledge(campaign, { status: "payment_failed", amount: 4_000 });
  await pledge(campaign, { status: "payment_failed", amount: 5_000, payment_processing_at: debit });
  await pledge(campaign, { status: "dropped", amount: 6_000 });
  expect(await chargeSummary(database().db, campaign)).toEqual({
    collected: { count: 1, amount: 800 },
    pending: { count: 1, amount: 2_000 },
    processing: { count: 2, amount: 8_000 },
    failed: { count: 1, amount: 4_000 },
    dropped: { count: 1, amount: 6_000 },
    refunded: 200,
  });
});

test("a run and a single charge claim their pledge under this process's own name, host and pid", async () => {
  const { db, engine } = database();
  const campaign = await succeeded();
  const first = await pledge(campaign);
  const claimedBy: (string | null)[] = [];
  const inner = createSimulatedGateway(db);
  // What the claim says while the gateway is asked: a name two workers on one host never share.
  const gateway: PaymentGateway = {
    ...inner,
    async chargeSavedCard(request) {
      const row = await db
        .selectFrom("pledges")
        .select("charge_claimed_by")
        .where("id", "=", request.pledgeId)
        .executeTakeFirstOrThrow();
      claimedBy.push(row.charge_claimed_by);
      return inner.chargeSavedCard(request);
    },
  };
  expect(await runChargeRun({ db, engine, gateway, clock: () => closedAt }, { rate: 1_000 })).toMatchObject({
    charged: 1,
  });
  const second = await pledge(campaign);
  await chargePledgeNow({ db, engine, gateway, clock: () => closedAt }, second);
  expect(claimedBy).toEqual([`${hostname()}:${process.pid}`, `${hostname()}:${process.pid}`]);
  expect(await status(first)).toBe("collected");
  expect(await status(second)).toBe("collected");
});
