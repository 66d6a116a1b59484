// The statement of a campaign, recomputed from the owner's ledger entries: what was collected,
// what went back, the fees, what was paid out and what is still due; and the platform fee settled.
import type { LedgerKind } from "#db/schema.ts";
import { ownerAccount, platformFee, post } from "~/ledger/ledger.server";
import { inTransaction, type Db } from "~/lib/db.server";

export interface Statement {
  collected: number;
  refunds: number;
  /** Taken back by disputes (withdrawn, less what won disputes reinstated). */
  disputes: number;
  /** Stripe's fees on payments, and its dispute fees. */
  stripeFees: number;
  /** The platform's fee at the campaign's rate, on collected − refunds − disputes. */
  platformFee: number;
  /** collected − refunds − disputes − Stripe fees − platform fee. */
  net: number;
  /** Paid to the owner (transfers and bank payments). */
  paidOut: number;
  /** Taken back from the owner's Stripe account after a refund or dispute following a payout. */
  reversed: number;
  /** net − paidOut + reversed: still owed to the owner; negative when the owner owes it (carried). */
  due: number;
  /** The fee rate in basis points the statement was made with. */
  feeBps: number;
}

/** The owner's entries of a campaign, summed by kind of movement. */
async function ownerTotals(db: Db, campaignId: string): Promise<(kind: LedgerKind) => number> {
  const rows = await db
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select((eb) => ["ledger_transactions.kind", eb.fn.sum<number>("ledger_entries.amount").as("amount")])
    .where("ledger_entries.account", "=", ownerAccount(campaignId))
    .groupBy("ledger_transactions.kind")
    .execute();
  return (kind) => Number(rows.find((r) => r.kind === kind)?.amount ?? 0);
}

/**
 * The statement, recomputed from the owner's entries. The platform fee is what the campaign's rate
 * gives on the money it keeps; it is posted (settled) when a payout is approved or reversed, so
 * `due` equals minus the owner's balance once the fee is settled.
 */
export async function campaignStatement(db: Db, campaignId: string, feeBps: number): Promise<Statement> {
  const of = await ownerTotals(db, campaignId);
  // 0 − x, not −x: an empty total is 0, not −0.
  const collected = 0 - of("collected");
  const refunds = of("refund");
  const disputes = of("dispute");
  const stripeFees = of("stripe_fee") + of("dispute_fee");
  const fee = platformFee(Math.max(0, collected - refunds - disputes), feeBps);
  const net = collected - refunds - disputes - stripeFees - fee;
  const paidOut = of("payout");
  const reversed = 0 - of("reversal");
  return {
    collected,
    refunds,
    disputes,
    stripeFees,
    platformFee: fee,
    net,
    paidOut,
    reversed,
    due: net - paidOut + reversed,
    feeBps,
  };
}

/**
 * Posts the difference between the platform fee the campaign's rate gives now and what was posted
 * before (a refund after a payout lowers it; an override changes it). Returns the amount posted.
 */
export async function settlePlatformFee(
  db: Db,
  campaign: { id: string; currency: string },
  feeBps: number,
  now: Date,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const statement = await campaignStatement(trx, campaign.id, feeBps);
    const of = await ownerTotals(trx, campaign.id);
    const difference = statement.platformFee - of("platform_fee");
    if (difference === 0) return 0;
    const count = await trx
      .selectFrom("ledger_transactions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("campaign_id", "=", campaign.id)
      .where("kind", "=", "platform_fee")
      .executeTakeFirstOrThrow();
    // Numbered: two settlements at once compute the same difference and only one is written.
    const written = await post(
      trx,
      {
        sourceKey: `platform_fee:${campaign.id}:${Number(count.n) + 1}`,
        kind: "platform_fee",
        campaignId: campaign.id,
        pledgeId: null,
        currency: campaign.currency,
      },
      [
        { account: ownerAccount(campaign.id), amount: difference },
        { account: "platform_fees", amount: -difference },
      ],
      now,
    );
    return written ? difference : 0;
  });
}
