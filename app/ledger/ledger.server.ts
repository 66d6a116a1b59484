// The ledger: append-only and double-entry. A collected pledge credits the owner and debits Stripe's
// balance; Stripe's fees and the platform's fee are taken from the owner's share; refunds and
// disputes give money back out of it; a payout pays it, a reversal takes some back. Each movement
// is one balanced transaction, unique by its source key, written in the transaction of its cause.
// Pledges and payouts both post here; what a campaign's entries add up to is payouts' (statement.server.ts).
import { randomUUID } from "node:crypto";
import type { LedgerKind } from "#db/schema.ts";
import { LedgerError } from "~/lib/errors";
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
    throw new LedgerError("ledger_not_integer", "Minor units only");
  if (nonZero.reduce((sum, l) => sum + l.amount, 0) !== 0)
    throw new LedgerError("ledger_unbalanced", "Entries must sum to zero");
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
