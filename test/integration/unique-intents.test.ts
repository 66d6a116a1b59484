// A payment intent or a setup intent belongs to one pledge, at the database (unique indexes), and a
// webhook that would give one to a second pledge is answered "already recorded", never a 5xx
// (Open Collective's duplicated orders from a webhook/sync race, 2024-10-08; docs/decisions/022).
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { expect, test } from "vitest";
import { recomputeTotals } from "~/campaigns/campaigns.server";
import { isUniqueViolation } from "~/lib/db.server";
import { getPledge } from "~/pledges/pledges.server";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { testContext } from "../support/context";
import { createCampaign, createPledge } from "../support/factories";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const webhookSecret = "whsec_test_unique_intents";

async function refusal(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("The database accepted it");
}

test("a second pledge with the same payment intent is refused by the database", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const intent = `pi_${randomUUID()}`;
  await createPledge(db, campaign, { status: "collected", payment_intent_id: intent });
  const error = await refusal(() =>
    createPledge(db, campaign, { status: "collected", payment_intent_id: intent }),
  );
  expect(isUniqueViolation(error)).toBe(true);
  // Nor by an update: the webhook path writes the reference onto an existing pledge.
  const other = await createPledge(db, campaign);
  const updated = await refusal(() =>
    db.updateTable("pledges").set({ payment_intent_id: intent }).where("id", "=", other).execute(),
  );
  expect(isUniqueViolation(updated)).toBe(true);
  // Pledges without a payment yet are many: NULL is not a value the index counts.
  await createPledge(db, campaign, { payment_intent_id: null });
  await createPledge(db, campaign, { payment_intent_id: null });
});

test("a second pledge with the same setup intent is refused by the database", async () => {
  const { db } = database();
  const campaign = await createCampaign(db);
  const intent = `seti_${randomUUID()}`;
  await createPledge(db, campaign, { setup_intent_id: intent });
  const error = await refusal(() => createPledge(db, campaign, { setup_intent_id: intent }));
  expect(isUniqueViolation(error)).toBe(true);
  await createPledge(db, campaign, { setup_intent_id: null });
  await createPledge(db, campaign, { setup_intent_id: null });
});

test("an event giving another pledge's payment intent to a second pledge is answered already recorded, not a 5xx", async () => {
  const handle = database();
  const { db } = handle;
  const campaign = await createCampaign(db, { pledged_amount: 7_500, backer_count: 2 });
  const intent = `pi_${randomUUID()}`;
  const first = await createPledge(db, campaign, {
    status: "collected",
    amount: 2_500,
    payment_intent_id: intent,
    collected_at: "2026-11-24T10:00:00.000Z",
  });
  const second = await createPledge(db, campaign, { status: "committed", amount: 5_000 });
  const totalsBefore = await recomputeTotals(db, campaign);

  // Stripe's payment_intent.succeeded, naming the second pledge in its metadata (a replayed sync, a
  // copy-pasted metadata: the database, not luck, keeps the payment to one pledge).
  const event = {
    id: `evt_${randomUUID().replaceAll("-", "")}`,
    object: "event",
    type: "payment_intent.succeeded",
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: intent,
        object: "payment_intent",
        customer: null,
        payment_method: null,
        latest_charge: null,
        metadata: { pledge_id: second },
        last_payment_error: null,
      },
    },
  };
  const payload = JSON.stringify(event);
  const context = testContext(handle, {
    config: { ...testContext(handle).config, STRIPE_WEBHOOK_SECRET: webhookSecret },
  });
  const post = async () =>
    (await webhookAction({
      request: new Request("http://localhost/webhooks/stripe", {
        method: "POST",
        headers: {
          "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }),
        },
        body: payload,
      }),
      params: {},
      context,
    })) as Response;

  const answer = await post();
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({
    received: true,
    outcome: "already_recorded",
    eventId: event.id,
  });
  // Nothing moved: the second pledge is still waiting for its own payment, the first keeps its own.
  expect(await getPledge(db, second)).toMatchObject({ status: "committed", payment_intent_id: null });
  expect(await getPledge(db, first)).toMatchObject({ status: "collected", payment_intent_id: intent });
  expect(await recomputeTotals(db, campaign)).toEqual(totalsBefore);
  const recorded = await db
    .selectFrom("webhook_events")
    .select(["outcome", "pledge_id"])
    .where("id", "=", event.id)
    .executeTakeFirstOrThrow();
  expect(recorded).toEqual({ outcome: "already_recorded", pledge_id: null });

  // Stripe delivers it again: the stored event makes it a plain duplicate.
  const again = await post();
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ outcome: "duplicate" });
});
