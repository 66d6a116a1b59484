// The ledger: append-only and double-entry. A collected pledge credits the owner and debits Stripe's
// balance; Stripe's fees and the platform's fee are taken from the owner's share; refunds and
// disputes give money back out of it; a payout pays it, a reversal takes some back. Each movement
// is one balanced transaction, unique by its source key, written in the transaction of its cause.
import { randomUUID } from "node:crypto";
import type { LedgerKind } from "#db/schema.ts";
import type { PaymentGateway } from "~/payments/gateway";
import { AppError } from "~/lib/errors";
import { inTransaction, type Db } from "~/lib/db.server";

export const ownerAccount = (campaignId: string) => `owner:${campaignId}`;

export interface LedgerLine {
  account: string;
  amount: number;
}

/** Writes one balanced transaction; false when its source key was already written (a replay). */
export async function post(
  db: Db,
  tx: {
    sourceKey: string;
    kind: LedgerKind;
    campaignId: string;
    pledgeId: string | null;
    currency: string;
    /** The Stripe transfer a payout or reversal moved (pledges match by their payment intent). */
    providerRef?: string | null;
  },
  lines: LedgerLine[],
  now: Date,
): Promise<boolean> {
  const nonZero = lines.filter((l) => l.amount !== 0);
  if (nonZero.length === 0) return false;
  if (nonZero.some((l) => !Number.isSafeInteger(l.amount)))
    throw new AppError("ledger_not_integer", "Minor units only", 500);
  if (nonZero.reduce((sum, l) => sum + l.amount, 0) !== 0)
    throw new AppError("ledger_unbalanced", "Entries must sum to zero", 500);
  const id = randomUUID();
  const inserted = await db
    .insertInto("ledger_transactions")
    .values({
      id,
      source_key: tx.sourceKey,
      campaign_id: tx.campaignId,
      pledge_id: tx.pledgeId,
      kind: tx.kind,
      currency: tx.currency,
      provider_ref: tx.providerRef ?? null,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column("source_key").doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
  await db
    .insertInto("ledger_entries")
    .values(
      nonZero.map((l) => ({ id: randomUUID(), transaction_id: id, account: l.account, amount: l.amount })),
    )
    .execute();
  return true;
}

/** Stripe's fee on a card payment, as the simulated gateway charges it: 1.5 % + 0.25 € (EU cards). */
export function simulatedStripeFee(amount: number): number {
  return Math.round(amount * 0.015) + 25;
}

/** The platform's fee in basis points, rounded half up to the minor unit. */
export function platformFee(amount: number, bps: number): number {
  return Math.floor((amount * bps + 5_000) / 10_000);
}

/**
 * Records a collected payment and, when known, Stripe's fee on it (the simulated gateway's is known
 * at once; Stripe's real one comes from the charge's balance transaction, read later).
 */
export async function recordCollection(
  db: Db,
  p: { pledgeId: string; campaignId: string; amount: number; currency: string; stripeFee: number | null },
  now: Date,
): Promise<void> {
  const owner = ownerAccount(p.campaignId);
  const base = { campaignId: p.campaignId, pledgeId: p.pledgeId, currency: p.currency };
  await post(
    db,
    { ...base, sourceKey: `collected:${p.pledgeId}`, kind: "collected" },
    [
      { account: "stripe_balance", amount: p.amount },
      { account: owner, amount: -p.amount },
    ],
    now,
  );
  if (p.stripeFee !== null) {
    await post(
      db,
      { ...base, sourceKey: `stripe_fee:${p.pledgeId}`, kind: "stripe_fee" },
      [
        { account: owner, amount: p.stripeFee },
        { account: "stripe_fees", amount: -p.stripeFee },
      ],
      now,
    );
  }
}

/** Records a refund, once: identified by its refund row. */
export async function recordRefundInLedger(
  db: Db,
  p: { refundId: string; pledgeId: string; campaignId: string; amount: number; currency: string },
  now: Date,
): Promise<void> {
  await post(
    db,
    {
      campaignId: p.campaignId,
      pledgeId: p.pledgeId,
      currency: p.currency,
      sourceKey: `refund:${p.refundId}`,
      kind: "refund",
    },
    [
      { account: ownerAccount(p.campaignId), amount: p.amount },
      { account: "stripe_balance", amount: -p.amount },
    ],
    now,
  );
}

/** An account's balance as the platform sees it: what it holds (or, for an owner, what is owed to them when negative). */
export async function balance(db: Db, account: string): Promise<number> {
  const row = await db
    .selectFrom("ledger_entries")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount"), eb.lit(0)).as("total"))
    .where("account", "=", account)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

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

/**
 * A dispute's balance transactions (Stripe sends them with the dispute): the amount withdrawn (or
 * reinstated when won) and Stripe's dispute fee, each posted once by the transaction's id.
 */
export async function recordDisputeInLedger(
  db: Db,
  d: {
    pledgeId: string;
    campaignId: string;
    currency: string;
    balanceTransactions: Array<{ id: string; amount: number; fee: number }>;
  },
  now: Date,
): Promise<void> {
  const base = { campaignId: d.campaignId, pledgeId: d.pledgeId, currency: d.currency };
  for (const t of d.balanceTransactions) {
    await post(
      db,
      { ...base, sourceKey: `dispute:${t.id}`, kind: "dispute" },
      [
        { account: "stripe_balance", amount: t.amount },
        { account: ownerAccount(d.campaignId), amount: -t.amount },
      ],
      now,
    );
    await post(
      db,
      { ...base, sourceKey: `dispute_fee:${t.id}`, kind: "dispute_fee" },
      [
        { account: ownerAccount(d.campaignId), amount: t.fee },
        { account: "stripe_fees", amount: -t.fee },
      ],
      now,
    );
  }
}

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
