// Charge events: money given back after the fact, by a refund (from Stripe's dashboard too) or a
// dispute, with what the dispute withdrew, reinstated and cost posted to the ledger.
import { z } from "zod";
import { recordDisputeInLedger } from "~/ledger/ledger.server";
import { recordDispute } from "~/pledges/disputes.server";
import { findPledgeByRefs, recordRefund } from "~/pledges/pledges.server";
import { about, id, metadata, ref, type EventHandler, type EventHandlers } from "./handler";

const charge = z.object({
  id,
  payment_intent: ref,
  amount_refunded: z.number().int().nonnegative(),
  metadata,
});
const disputeObject = z.object({
  id,
  charge: ref.transform((v) => v ?? ""),
  payment_intent: ref,
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string().nullish(),
  status: z.string(),
  /** Stripe sends the dispute's balance transactions whole: the amount withdrawn or reinstated, and its fee. */
  balance_transactions: z
    .array(z.object({ id, amount: z.number().int(), fee: z.number().int() }))
    .nullish()
    .transform((v) => v ?? []),
});

const onRefund: EventHandler = async (trx, event, now) => {
  const refunded = charge.parse(event.object);
  const pledge = await findPledgeByRefs(trx, {
    pledgeId: refunded.metadata.pledge_id,
    paymentIntentId: refunded.payment_intent,
  });
  if (pledge) await recordRefund(trx, pledge.id, refunded.amount_refunded, now);
  return about(pledge);
};

const onDispute: EventHandler = async (trx, event, now) => {
  const dispute = disputeObject.parse(event.object);
  const pledge = await findPledgeByRefs(trx, {
    pledgeId: null,
    chargeId: dispute.charge,
    paymentIntentId: dispute.payment_intent,
  });
  // Recorded even when it names no pledge of ours.
  await recordDispute(trx, { ...dispute, pledgeId: pledge?.id ?? null }, now);
  if (pledge) {
    await recordDisputeInLedger(
      trx,
      {
        pledgeId: pledge.id,
        campaignId: pledge.campaign_id,
        currency: pledge.currency,
        balanceTransactions: dispute.balance_transactions,
      },
      now,
    );
  }
  return about(pledge);
};

export const chargeEvents: EventHandlers = {
  "charge.refunded": onRefund,
  "charge.dispute.created": onDispute,
  "charge.dispute.updated": onDispute,
  "charge.dispute.funds_withdrawn": onDispute,
  "charge.dispute.funds_reinstated": onDispute,
  "charge.dispute.closed": onDispute,
};
