// The charge run's claim on a pledge, at its edges: a worker's claim holds for STALE_CHARGE_CLAIM
// exactly (it may still be charging), and another worker takes it over a millisecond later (the
// first one died); a failed pledge waits for its backer's new card; requests to the gateway start
// 1/rate apart whatever the concurrency; on PostgreSQL a run takes the due pledges another worker is
// not holding instead of waiting for it.
import { expect, test } from "vitest";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { recordPaymentFailure, startPledge, commitPledge, getPledge } from "~/pledges/pledges.server";
import { runChargeRun, STALE_CHARGE_CLAIM } from "~/pledges/charging.server";
import { createCampaign, pledgeRequest } from "../support/factories";
import { testEngine, useTestDatabase } from "../support/database";

const database = useTestDatabase();
const closedAt = new Date("2026-12-09T10:00:00.000Z");

async function succeededWithPledge(card = "visa") {
  const { db } = database();
  const campaign = await createCampaign(db, {
    launched_at: "2026-11-24T09:00:00.000Z",
    deadline_at: "2026-12-08T22:59:59.999Z",
  });
  const pledge = await startPledge(db, pledgeRequest(campaign, 4_000), new Date("2026-11-30T10:00:00.000Z"));
  await commitPledge(
    db,
    pledge.id,
    { customerId: `sim_cus_${pledge.id}`, paymentMethodId: `sim_pm_card_${card}` },
    new Date("2026-11-30T10:00:00.000Z"),
  );
  await db.updateTable("campaigns").set({ status: "succeeded" }).where("id", "=", campaign).execute();
  return pledge.id;
}

/** The simulated gateway, noting when each off-session charge starts. */
function timedGateway() {
  const gateway = createSimulatedGateway(database().db);
  const starts: number[] = [];
  return {
    starts,
    gateway: {
      ...gateway,
      chargeSavedCard(request: Parameters<typeof gateway.chargeSavedCard>[0]) {
        starts.push(performance.now());
        return gateway.chargeSavedCard(request);
      },
    },
  };
}

function run(at: Date) {
  const { db, engine } = database();
  return runChargeRun({ db, engine, gateway: createSimulatedGateway(db), clock: () => at }, { rate: 1_000 });
}

test("a claim holds for exactly STALE_CHARGE_CLAIM, and is taken over a millisecond after", async () => {
  const { db } = database();
  const pledge = await succeededWithPledge();
  await db
    .updateTable("pledges")
    .set({ charge_claimed_by: "worker-that-died", charge_claimed_at: closedAt.toISOString() })
    .where("id", "=", pledge)
    .execute();
  const idle = { charged: 0, processing: 0, failed: 0, errors: 0 };
  expect(await run(new Date(closedAt.getTime() + STALE_CHARGE_CLAIM))).toEqual(idle);
  expect((await getPledge(db, pledge))?.status).toBe("committed");
  expect(await run(new Date(closedAt.getTime() + STALE_CHARGE_CLAIM + 1))).toEqual({ ...idle, charged: 1 });
  expect(await getPledge(db, pledge)).toMatchObject({ status: "collected", charge_attempts: 1 });
});

test("a failed pledge is charged again only once its backer asks for a retry", async () => {
  const { db } = database();
  const pledge = await succeededWithPledge();
  await recordPaymentFailure(db, pledge, "card_declined", closedAt);
  const idle = { charged: 0, processing: 0, failed: 0, errors: 0 };
  expect(await run(closedAt)).toEqual(idle);
  await db.updateTable("pledges").set({ retry_requested: 1 }).where("id", "=", pledge).execute();
  expect(await run(closedAt)).toEqual({ ...idle, charged: 1 });
});

test("charges start 1/rate apart, whatever the concurrency, and no slower", async () => {
  const { db, engine } = database();
  for (let i = 0; i < 5; i++) await succeededWithPledge();
  const { gateway, starts } = timedGateway();
  const began = performance.now();
  const report = await runChargeRun(
    { db, engine, gateway, clock: () => closedAt },
    { rate: 20, concurrency: 10 },
  );
  expect(report).toMatchObject({ charged: 5, errors: 0 });
  // 20 a second: the limiter's k-th slot is at least k × 50 ms after the run began, and a charge
  // reaches the gateway at its slot or later (after its database work). So, whatever the load
  // delays, the k-th charge the gateway sees starts no sooner than k × 50 ms (1 ms for the timers).
  const sorted = [...starts].sort((a, b) => a - b);
  sorted.forEach((at, k) => expect(at - began).toBeGreaterThanOrEqual(k * 50 - 1));
  // The first starts at once and the run does not wait longer than the rate asks.
  expect(starts[0]! - began).toBeLessThan(1_000);
  expect(performance.now() - began).toBeLessThan(4 * 50 + 1_500);
});

test.runIf(testEngine() === "postgres")(
  "on PostgreSQL a run charges the due pledges no one holds and does not wait for those another worker holds",
  async () => {
    const { db, engine } = database();
    const pledges = [];
    for (let i = 0; i < 4; i++) pledges.push(await succeededWithPledge());
    const held = pledges.slice(0, 2);
    // Another worker's claim in flight: its open transaction holds these rows.
    const holder = await db.startTransaction().execute();
    let report: Awaited<ReturnType<typeof run>> | "waited";
    let charge: ReturnType<typeof run> | undefined;
    try {
      await holder.selectFrom("pledges").select("id").where("id", "in", held).forUpdate().execute();
      charge = runChargeRun(
        { db, engine, gateway: createSimulatedGateway(db), clock: () => closedAt },
        { rate: 1_000, batch: 2 },
      );
      report = await Promise.race([
        charge,
        new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 3_000)),
      ]);
    } finally {
      await holder.rollback().execute();
      await charge;
    }
    expect(report).toMatchObject({ charged: 2 });
    const statuses = await db
      .selectFrom("pledges")
      .select(["id", "status"])
      .where("id", "in", pledges)
      .execute();
    expect(statuses.filter((p) => held.includes(p.id)).map((p) => p.status)).toEqual([
      "committed",
      "committed",
    ]);
  },
);
