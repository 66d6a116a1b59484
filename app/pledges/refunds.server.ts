// Refunds made by an admin or the campaign's owner: part or all of a collected pledge, with a
// reason. The gateway's refund carries an idempotency key, so a double click refunds once; Stripe's
// charge.refunded webhook reports the same cumulative amount and changes nothing more.
import type { PaymentGateway } from "~/payments/gateway";
import { audit, type Actor } from "~/payouts/audit.server";
import { AppError } from "~/lib/errors";
import type { Db } from "~/lib/db.server";
import { getPledge, recordRefund } from "./pledges.server";

export async function refundPledge(
  deps: { db: Db; gateway: PaymentGateway },
  { pledgeId, amount, reason, actor }: { pledgeId: string; amount: number; reason: string; actor?: Actor },
  now: Date,
): Promise<{ refundId: string }> {
  const pledge = await getPledge(deps.db, pledgeId);
  if (!pledge) throw new AppError("pledge_not_found", "No such pledge", 404);
  if (pledge.status !== "collected" || !pledge.payment_intent_id) {
    throw new AppError("not_refundable", "Only a collected pledge can be refunded", 409);
  }
  const left = pledge.amount - pledge.refunded_amount;
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) {
    throw new AppError("bad_refund_amount", `Refund between 1 and ${left}`, 400, "amount");
  }
  if (reason.trim().length < 3) throw new AppError("reason_required", "Say why", 400, "reason");
  const { refundId } = await deps.gateway.refundPayment({
    pledgeId,
    paymentIntentId: pledge.payment_intent_id,
    amount,
    reason,
    // What was refunded before identifies this refund: the same request twice refunds once.
    idempotencyKey: `refund-${pledgeId}-from-${pledge.refunded_amount}-of-${amount}`,
  });
  await recordRefund(deps.db, pledgeId, pledge.refunded_amount + amount, now);
  if (actor) {
    await audit(
      deps.db,
      actor,
      {
        action: "pledge.refund",
        campaignId: pledge.campaign_id,
        subjectId: pledgeId,
        details: { amount, currency: pledge.currency, reason, refundId },
      },
      now,
    );
  }
  return { refundId };
}
