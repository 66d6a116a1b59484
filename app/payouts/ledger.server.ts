// The ledger (first part of payouts): append-only and double-entry. A collected pledge credits the
// owner and debits Stripe's balance; Stripe's fee and the platform's fee are taken from the owner's
// share; a refund gives money back out of it. Each movement is one balanced transaction, unique by
// its source key, written in the transaction of the change that causes it.
import { randomUUID } from "node:crypto";
import { AppError } from "~/lib/errors";
import type { Db } from "~/lib/db.server";

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
    kind: "collected" | "stripe_fee" | "platform_fee" | "refund";
    campaignId: string;
    pledgeId: string | null;
    currency: string;
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

/** Records a refund, identified by the cumulative amount refunded after it. */
export async function recordRefundInLedger(
  db: Db,
  p: { pledgeId: string; campaignId: string; amount: number; currency: string; refundedTotal: number },
  now: Date,
): Promise<void> {
  await post(
    db,
    {
      campaignId: p.campaignId,
      pledgeId: p.pledgeId,
      currency: p.currency,
      sourceKey: `refund:${p.pledgeId}:${p.refundedTotal}`,
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
  stripeFees: number;
  platformFee: number;
  net: number;
}

/**
 * Collected − refunds − Stripe fees − platform fee = net owed to the owner, from the entries. The
 * platform fee is charged on what was collected net of refunds, at `feeBps` (the campaign's
 * override or PLATFORM_FEE_BPS); it is posted when a payout is approved (not built yet).
 */
export async function campaignStatement(db: Db, campaignId: string, feeBps: number): Promise<Statement> {
  const rows = await db
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select((eb) => ["ledger_transactions.kind", eb.fn.sum<number>("ledger_entries.amount").as("amount")])
    .where("ledger_entries.account", "=", ownerAccount(campaignId))
    .groupBy("ledger_transactions.kind")
    .execute();
  const of = (kind: string) => Number(rows.find((r) => r.kind === kind)?.amount ?? 0);
  const statement = {
    collected: -of("collected"),
    refunds: of("refund"),
    stripeFees: of("stripe_fee"),
    platformFee: of("platform_fee") || platformFee(-of("collected") - of("refund"), feeBps),
  };
  return {
    ...statement,
    net: statement.collected - statement.refunds - statement.stripeFees - statement.platformFee,
  };
}

/**
 * Stripe's actual fee on each collected Stripe payment, read from its balance transaction and
 * posted once (a job; re-running it posts nothing twice).
 */
export async function recordProviderFees(
  db: Db,
  gateway: { name: string; paymentFee(paymentIntentId: string): Promise<number | null> },
  now: Date,
): Promise<number> {
  if (gateway.name !== "stripe") return 0;
  const missing = await db
    .selectFrom("pledges")
    .select(["id", "campaign_id", "currency", "payment_intent_id"])
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
    )
    .limit(500)
    .execute();
  let posted = 0;
  for (const pledge of missing) {
    const fee = await gateway.paymentFee(pledge.payment_intent_id!);
    if (fee === null) continue;
    const written = await post(
      db,
      {
        sourceKey: `stripe_fee:${pledge.id}`,
        kind: "stripe_fee",
        campaignId: pledge.campaign_id,
        pledgeId: pledge.id,
        currency: pledge.currency,
      },
      [
        { account: ownerAccount(pledge.campaign_id), amount: fee },
        { account: "stripe_fees", amount: -fee },
      ],
      now,
    );
    if (written) posted++;
  }
  return posted;
}
