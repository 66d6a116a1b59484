// After a failed charge, the backer follows the link in the email, gives another card in the
// simulated checkout, and the charge is retried at once, through the real routes.
import { expect, test } from "vitest";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { runChargeRun } from "~/pledges/charging.server";
import { pledgeToken } from "~/auth/pledge-link.server";
import { getPledge } from "~/pledges/pledges.server";
import { action as checkoutAction } from "~/routes/checkout.simulated.$session";
import { action as pledgeAction } from "~/routes/pledges.$id";
import { testContext } from "../support/context";
import { createCampaign, createPledge } from "../support/factories";
import { callRoute } from "../support/routes";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();

test("a declined backer gives a working card and the pledge is collected with attempt 2", async () => {
  const { db, engine } = database();
  const campaign = await createCampaign(db, {
    status: "succeeded",
    deadline_at: "2026-11-20T22:59:59.999Z",
    goal_amount: 1_000,
  });
  const pledgeId = await createPledge(db, campaign, {
    amount: 6_000,
    status: "committed",
    gateway: "simulated",
    stripe_customer_id: "sim_cus_x",
    payment_method_id: "sim_pm_card_chargeDeclined",
  });
  await db
    .updateTable("campaigns")
    .set({ pledged_amount: 6_000, backer_count: 1 })
    .where("id", "=", campaign)
    .execute();
  const gateway = createSimulatedGateway(db);
  const now = new Date("2026-11-21T10:00:00.000Z");
  expect(await runChargeRun({ db, engine, gateway, clock: () => now }, { rate: 100 })).toMatchObject({
    failed: 1,
  });
  expect(await getPledge(db, pledgeId)).toMatchObject({ status: "payment_failed" });

  const context = testContext(database(), { gateway, clock: () => now });
  const token = pledgeToken(context.config.SESSION_SECRET, pledgeId);
  const fix = await callRoute(pledgeAction, {
    url: `http://localhost:3000/pledges/${pledgeId}?token=${token}`,
    params: { id: pledgeId },
    context,
    form: { intent: "fix" },
  });
  expect(fix.status).toBe(302);
  const session = /^\/checkout\/simulated\/(sim_cs_\w+)$/.exec(fix.location ?? "")?.[1];
  expect(session).toBeDefined();

  const paid = await callRoute(checkoutAction, {
    url: `http://localhost:3000/checkout/simulated/${session}`,
    params: { session: session! },
    context,
    form: { intent: "pay", cardNumber: "4242 4242 4242 4242", expiry: "12/30", cvc: "123" },
  });
  expect(paid.status).toBe(302);
  expect(await getPledge(db, pledgeId)).toMatchObject({
    status: "collected",
    charge_attempts: 2,
    payment_method_id: "sim_pm_card_visa",
    retry_requested: 0,
  });
  const row = await db
    .selectFrom("campaigns")
    .select(["pledged_amount", "backer_count"])
    .where("id", "=", campaign)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ pledged_amount: 6_000, backer_count: 1 });
});
