// Disputes (chargebacks) recorded against the pledge they concern. An open or lost dispute is money
// the owner may not get: payouts (a later issue) count it out.
import type { Db } from "~/lib/db.server";

export interface DisputeReport {
  id: string;
  charge: string;
  amount: number;
  currency: string;
  reason?: string | null;
  status: string;
  pledgeId: string | null;
}

export async function recordDispute(db: Db, dispute: DisputeReport, now: Date): Promise<void> {
  await db
    .insertInto("disputes")
    .values({
      id: dispute.id,
      pledge_id: dispute.pledgeId,
      charge_id: dispute.charge,
      amount: dispute.amount,
      currency: dispute.currency.toUpperCase(),
      reason: dispute.reason ?? null,
      status: dispute.status,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .onConflict((oc) =>
      oc
        .column("id")
        .doUpdateSet({ status: dispute.status, amount: dispute.amount, updated_at: now.toISOString() }),
    )
    .execute();
}

/** Money held back from the owner: disputes still open, and those lost. */
export async function disputedAmount(db: Db, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom("disputes")
    .innerJoin("pledges", "pledges.id", "disputes.pledge_id")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("disputes.amount"), eb.lit(0)).as("amount"))
    .where("pledges.campaign_id", "=", campaignId)
    .where("disputes.status", "!=", "won")
    .executeTakeFirstOrThrow();
  return Number(row.amount);
}

/** A campaign's disputes, each with the name of the backer whose pledge it concerns. */
export function campaignDisputes(db: Db, campaignId: string) {
  return db
    .selectFrom("disputes")
    .innerJoin("pledges", "pledges.id", "disputes.pledge_id")
    .select([
      "disputes.id",
      "disputes.amount",
      "disputes.currency",
      "disputes.status",
      "disputes.reason",
      "pledges.backer_name",
    ])
    .where("pledges.campaign_id", "=", campaignId)
    .execute();
}
