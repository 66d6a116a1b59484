// Stripe's own fee on each payment, read from its balance transaction after the fact and posted to
// the ledger once, with the date the payment's funds become available to pay out.
import type { PaymentGateway } from "~/payments/gateway";
import { ownerAccount, post } from "~/ledger/ledger.server";
import { inTransaction, type Db } from "~/lib/db.server";

/** Stripe payments taken whose fee Stripe has not reported to us yet (the job below posts it). */
export function paymentsAwaitingFees(db: Db) {
  return db
    .selectFrom("pledges")
    .where("status", "in", ["collected", "refunded"])
    .where("gateway", "=", "stripe")
    .where("payment_intent_id", "is not", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("ledger_transactions")
            .select("ledger_transactions.id")
            .whereRef("ledger_transactions.pledge_id", "=", "pledges.id")
            .where("ledger_transactions.kind", "=", "stripe_fee"),
        ),
      ),
    );
}

/**
 * Stripe's actual fee on each collected Stripe payment, read from its balance transaction and
 * posted once (a job; re-running it posts nothing twice), with the date its funds become available,
 * which a payout of the campaign waits for.
 */
export async function recordProviderFees(
  db: Db,
  gateway: Pick<PaymentGateway, "name" | "paymentSettlement">,
  now: Date,
): Promise<number> {
  if (gateway.name !== "stripe") return 0;
  const missing = await paymentsAwaitingFees(db)
    .select(["id", "campaign_id", "currency", "payment_intent_id"])
    .limit(500)
    .execute();
  let posted = 0;
  for (const pledge of missing) {
    const settlement = await gateway.paymentSettlement(pledge.payment_intent_id!);
    if (settlement === null) continue;
    const written = await inTransaction(db, async (trx) => {
      await trx
        .updateTable("pledges")
        .set({ funds_available_at: settlement.availableAt.toISOString() })
        .where("id", "=", pledge.id)
        .execute();
      return post(
        trx,
        {
          sourceKey: `stripe_fee:${pledge.id}`,
          kind: "stripe_fee",
          campaignId: pledge.campaign_id,
          pledgeId: pledge.id,
          currency: pledge.currency,
        },
        [
          { account: ownerAccount(pledge.campaign_id), amount: settlement.fee },
          { account: "stripe_fees", amount: -settlement.fee },
        ],
        now,
      );
    });
    if (written) posted++;
  }
  return posted;
}
