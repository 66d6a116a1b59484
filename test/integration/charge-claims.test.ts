// The charge run's claim on a pledge, at its edges: a worker's claim holds for STALE_CHARGE_CLAIM
// exactly (it may still be charging), and another worker takes it over a millisecond later (the
// first one died); a failed pledge waits for its backer's new card.
import { expect, test } from "vitest";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { recordPaymentFailure, startPledge, commitPledge, getPledge } from "~/pledges/pledges.server";
import { runChargeRun, STALE_CHARGE_CLAIM } from "~/pledges/charging.server";
import { createCampaign, pledgeRequest } from "../support/factories";
import { useTestDatabase } from "../support/database";

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
