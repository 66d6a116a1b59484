// Refunds at the edges mutation run B left changeable (docs/mutation-testing.md): a refund asked
// from a campaign's page for a pledge that is not that campaign's, a refusal's text kept to 500
// characters, a reservation whose pledge has no payment, and the job's count of what it finished.
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { PaymentGateway, RefundRequest } from "~/payments/gateway";
import { createSimulatedGateway } from "~/payments/simulated.server";
import { getPledge } from "~/pledges/pledges.server";
import {
  finishRefund,
  finishReservedRefunds,
  refundPledge,
  reserveRefund,
  REFUND_RETRY_AFTER,
} from "~/pledges/refunds.server";
import { createCampaign, createPledge } from "../support/factories";
import { collectedPledge } from "../support/ledger";
import { useTestDatabase } from "../support/database";

const database = useTestDatabase();
const now = new Date("2026-11-30T12:00:00.000Z");
const later = new Date(now.getTime() + REFUND_RETRY_AFTER);

async function collected(amount: number) {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  return { campaign, pledgeId: await collectedPledge(db, campaign, amount, now) };
}

async function refundRow(id: string) {
  return database().db.selectFrom("refunds").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** The simulated gateway, with every refund it was asked for. */
function recording() {
  const inner = createSimulatedGateway(database().db);
  const asked: RefundRequest[] = [];
  const gateway: PaymentGateway = {
    ...inner,
    refundPayment(request) {
      asked.push(request);
      return inner.refundPayment(request);
    },
  };
  return { gateway, asked };
}

test("from a campaign's page, a pledge of another campaign or of none is a 404, and nothing is reserved", async () => {
  const { db } = database();
  const { campaign, pledgeId } = await collected(5_000);
  const other = await createCampaign(db);
  const { gateway, asked } = recording();
  const ask = (id: string, campaignId: string) =>
    refundPledge({ db, gateway }, { pledgeId: id, amount: 1_000, reason: "Doublon", campaignId }, now);
  await expect(ask(pledgeId, other)).rejects.toMatchObject({ code: "pledge_not_found", status: 404 });
  await expect(ask(randomUUID(), campaign)).rejects.toMatchObject({ code: "pledge_not_found", status: 404 });
  expect(asked).toEqual([]);
  expect(await getPledge(db, pledgeId)).toMatchObject({ refund_reserved: 0, refunded_amount: 0 });
  // Its own campaign's page may refund it.
  expect(await ask(pledgeId, campaign)).toMatchObject({ status: "succeeded" });
  expect((await getPledge(db, pledgeId))?.refunded_amount).toBe(1_000);
});

test("a refusal's text is kept to 500 characters, and the amount it held is released", async () => {
  const { db } = database();
  const { pledgeId } = await collected(5_000);
  const message = `Refused ${"x".repeat(600)}`;
  const refusing: PaymentGateway = {
    ...createSimulatedGateway(db),
    refundPayment: async () => ({ status: "refused", code: "charge_disputed", message }),
  };
  const refund = await reserveRefund(db, { pledgeId, amount: 2_000, reason: "Doublon" }, now);
  expect(await finishRefund({ db, gateway: refusing }, refund, now)).toMatchObject({ status: "refused" });
  const row = await refundRow(refund.id);
  expect(row.status).toBe("failed");
  expect(row.failure_message).toBe(message.slice(0, 500));
  expect(await getPledge(db, pledgeId)).toMatchObject({ refund_reserved: 0, refunded_amount: 0 });
});

test("a reservation whose pledge has no payment to refund is refused before the gateway is asked", async () => {
  const { db } = database();
  const campaign = await createCampaign(db, { funding_model: "flexible" });
  const pledgeId = await createPledge(db, campaign, {
    status: "collected",
    amount: 3_000,
    refund_reserved: 1_000,
  });
  const refund = {
    id: randomUUID(),
    pledge_id: pledgeId,
    campaign_id: campaign,
    amount: 1_000,
    currency: "EUR",
    status: "reserved" as const,
    origin: "platform" as const,
    reason: "Doublon",
    actor_id: null,
    actor_email: null,
    gateway_refund_id: null,
    failure_message: null,
    // Younger than the job's retry delay in the test below: it stays out of that job's way.
    created_at: later.toISOString(),
    finished_at: null,
  };
  await db.insertInto("refunds").values(refund).execute();
  const { gateway, asked } = recording();
  await expect(finishRefund({ db, gateway }, refund, now)).rejects.toMatchObject({ code: "not_refundable" });
  await expect(
    finishRefund({ db, gateway }, { ...refund, pledge_id: randomUUID() }, now),
  ).rejects.toMatchObject({
    code: "not_refundable",
  });
  expect(asked).toEqual([]);
  expect((await refundRow(refund.id)).status).toBe("reserved");
});

test("the job counts the refunds it finished, not one another finisher recorded while it asked", async () => {
  const { db } = database();
  const { pledgeId } = await collected(5_000);
  const first = await reserveRefund(db, { pledgeId, amount: 1_000, reason: "Doublon" }, now);
  const second = await reserveRefund(db, { pledgeId, amount: 500, reason: "Doublon" }, now);
  const inner = createSimulatedGateway(db);
  // While the job asks for the first refund, a request finishes it (the same key: the same refund).
  let overtaken = false;
  const gateway: PaymentGateway = {
    ...inner,
    async refundPayment(request) {
      if (request.refundId === first.id && !overtaken) {
        overtaken = true;
        expect(await finishRefund({ db, gateway: inner }, first, now)).toMatchObject({ status: "succeeded" });
      }
      return inner.refundPayment(request);
    },
  };
  expect(await finishReservedRefunds({ db, gateway }, later)).toBe(1);
  expect(overtaken).toBe(true);
  expect((await refundRow(first.id)).status).toBe("succeeded");
  expect((await refundRow(second.id)).status).toBe("succeeded");
  expect(await getPledge(db, pledgeId)).toMatchObject({ refunded_amount: 1_500, refund_reserved: 0 });
  expect(await finishReservedRefunds({ db, gateway }, later)).toBe(0);
});
