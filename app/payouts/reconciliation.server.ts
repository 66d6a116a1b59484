// Reconciliation: Stripe's balance lines, imported (every page, by Stripe payout or by date range),
// matched against the ledger. A line belongs to a payment intent (charges, refunds, disputes) or a
// transfer (transfers, reversals); for each of those and each kind of movement, what Stripe moved and
// what we recorded must agree to the unit, amount and fee alike.
import type { PaymentGateway } from "~/payments/gateway";
import { PayoutError } from "~/lib/errors";
import { inTransaction, type Db } from "~/lib/db.server";

export interface ImportFilter {
  payout?: string;
  createdFrom?: Date;
  createdTo?: Date;
  pageSize?: number;
}

/**
 * Imports Stripe's balance lines. A line already imported is left as it is (a line found again by
 * its Stripe payout only learns which payout it was in), so running the import again changes nothing.
 * Then Stripe payouts whose transfer Stripe shows are marked paid.
 */
export async function importBalanceLines(
  deps: { db: Db; gateway: PaymentGateway },
  filter: ImportFilter,
  now: Date,
): Promise<{ seen: number; added: number; payoutsPaid: number }> {
  const connect = deps.gateway.connect;
  if (!connect) throw new PayoutError("connect_unavailable", "Stripe is not configured");
  let seen = 0;
  let added = 0;
  for await (const line of connect.balanceLines(filter)) {
    seen++;
    const inserted = await deps.db
      .insertInto("stripe_balance_lines")
      .values({
        id: line.id,
        created_at: line.createdAt,
        type: line.type,
        category: line.category,
        amount: line.amount,
        fee: line.fee,
        net: line.net,
        currency: line.currency,
        source_id: line.sourceId,
        match_ref: line.matchRef,
        payout_id: filter.payout ?? null,
        imported_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) added++;
    else if (filter.payout) {
      await deps.db
        .updateTable("stripe_balance_lines")
        .set({ payout_id: filter.payout })
        .where("id", "=", line.id)
        .where("payout_id", "is", null)
        .execute();
    }
  }
  return { seen, added, payoutsPaid: await markTransfersPaid(deps.db, now) };
}

/** A sent Stripe payout is paid once Stripe's books show its transfer, for its amount. */
async function markTransfersPaid(db: Db, now: Date): Promise<number> {
  const confirmed = await db
    .selectFrom("payouts")
    .innerJoin("stripe_balance_lines", "stripe_balance_lines.match_ref", "payouts.transfer_id")
    .select("payouts.id")
    .where("payouts.status", "=", "sent")
    .where("stripe_balance_lines.category", "=", "transfer")
    .whereRef("stripe_balance_lines.amount", "=", (eb) => eb.neg(eb.ref("payouts.amount")))
    .execute();
  let paid = 0;
  for (const { id } of confirmed) {
    await inTransaction(db, async (trx) => {
      const result = await trx
        .updateTable("payouts")
        .set({ status: "paid", paid_at: now.toISOString(), updated_at: now.toISOString() })
        .where("id", "=", id)
        .where("status", "=", "sent")
        .executeTakeFirst();
      paid += Number(result.numUpdatedRows);
    });
  }
  return paid;
}

export type MatchState = "matched" | "missing_ours" | "missing_stripe" | "mismatch";
export type Category = "charge" | "refund" | "dispute" | "transfer" | "transfer_reversal";

export interface ReconciliationRow {
  /** The payment intent or transfer. */
  ref: string;
  category: Category;
  campaignId: string | null;
  currency: string;
  ours: { amount: number; fee: number } | null;
  stripe: { amount: number; fee: number } | null;
  state: MatchState;
  /** Stripe's balance transaction ids. */
  lines: string[];
}

/** Which of our movements Stripe's books show, and as what. */
const categoryOfKind: Record<string, Category | undefined> = {
  collected: "charge",
  stripe_fee: "charge",
  refund: "refund",
  dispute: "dispute",
  dispute_fee: "dispute",
  payout: "transfer",
  reversal: "transfer_reversal",
};
const categoryOfLine: Record<string, Category | undefined> = {
  charge: "charge",
  refund: "refund",
  dispute: "dispute",
  dispute_reversal: "dispute",
  transfer: "transfer",
  transfer_reversal: "transfer_reversal",
};

/**
 * Every movement Stripe should show, matched against every imported line: one row per payment
 * intent or transfer and kind of movement. Stripe's payouts to the platform's bank are the platform's
 * own and are not matched. With `campaignId`, that campaign's rows only.
 */
export async function reconcile(
  db: Db,
  filter: { campaignId?: string; stripePayout?: string } = {},
): Promise<ReconciliationRow[]> {
  const rows = new Map<string, ReconciliationRow>();
  const row = (ref: string, category: Category, currency: string) => {
    const key = `${ref}|${category}`;
    let found = rows.get(key);
    if (!found) {
      found = {
        ref,
        category,
        campaignId: null,
        currency,
        ours: null,
        stripe: null,
        state: "matched",
        lines: [],
      };
      rows.set(key, found);
    }
    return found;
  };

  // One campaign's rows need only its movements, and the lines of its payments and transfers.
  const campaignId = filter.campaignId;
  let entriesQuery = db
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .leftJoin("pledges", "pledges.id", "ledger_transactions.pledge_id")
    .select([
      "ledger_transactions.kind",
      "ledger_transactions.campaign_id",
      "ledger_transactions.currency",
      "ledger_transactions.provider_ref",
      "pledges.gateway",
      "pledges.payment_intent_id",
      "ledger_entries.account",
      "ledger_entries.amount",
    ])
    .where("ledger_entries.account", "in", ["stripe_balance", "stripe_fees"])
    // Rows come out in the order their first movement was posted, the same for one campaign as for
    // all: without an order PostgreSQL returns them as it likes (a flaky comparison in the tests).
    .orderBy("ledger_transactions.created_at")
    .orderBy("ledger_transactions.id")
    .orderBy("ledger_entries.id");
  if (campaignId) entriesQuery = entriesQuery.where("ledger_transactions.campaign_id", "=", campaignId);
  const entries = await entriesQuery.execute();
  for (const e of entries) {
    const category = categoryOfKind[e.kind];
    const ref = e.provider_ref ?? (e.gateway === "stripe" ? e.payment_intent_id : null);
    if (!category || !ref) continue;
    const r = row(ref, category, e.currency);
    r.campaignId = e.campaign_id;
    r.ours ??= { amount: 0, fee: 0 };
    if (e.account === "stripe_balance") r.ours.amount += Number(e.amount);
    else r.ours.fee -= Number(e.amount);
  }

  let linesQuery = db.selectFrom("stripe_balance_lines").selectAll().orderBy("created_at").orderBy("id");
  if (campaignId) {
    linesQuery = linesQuery.where((eb) =>
      eb.or([
        eb(
          "match_ref",
          "in",
          eb.selectFrom("pledges").select("payment_intent_id").where("campaign_id", "=", campaignId),
        ),
        eb(
          "match_ref",
          "in",
          eb.selectFrom("payouts").select("transfer_id").where("campaign_id", "=", campaignId),
        ),
      ]),
    );
  }
  const lines = await linesQuery.execute();
  for (const line of lines) {
    const category = categoryOfLine[line.category];
    if (!category) continue;
    const r = row(line.match_ref ?? line.id, category, line.currency);
    r.stripe ??= { amount: 0, fee: 0 };
    r.stripe.amount += Number(line.amount);
    r.stripe.fee += Number(line.fee);
    r.lines.push(line.id);
  }

  // Lines we have no movement for still belong to a campaign when we know their payment or transfer.
  const orphans = [...rows.values()].filter((r) => r.campaignId === null);
  if (orphans.length > 0) {
    const refs = orphans.map((r) => r.ref);
    const owners = new Map<string, string>();
    for (const p of await db
      .selectFrom("pledges")
      .select(["payment_intent_id", "campaign_id"])
      .where("payment_intent_id", "in", refs)
      .execute())
      owners.set(p.payment_intent_id!, p.campaign_id);
    for (const p of await db
      .selectFrom("payouts")
      .select(["transfer_id", "campaign_id"])
      .where("transfer_id", "in", refs)
      .execute())
      owners.set(p.transfer_id!, p.campaign_id);
    for (const r of orphans) r.campaignId = owners.get(r.ref) ?? null;
  }

  let inPayout: Set<string> | null = null;
  if (filter.stripePayout) {
    const ofPayout = lines.filter((l) => l.payout_id === filter.stripePayout);
    inPayout = new Set(ofPayout.map((l) => l.match_ref ?? l.id));
  }
  const result: ReconciliationRow[] = [];
  for (const r of rows.values()) {
    if (filter.campaignId && r.campaignId !== filter.campaignId) continue;
    if (inPayout && !inPayout.has(r.ref)) continue;
    r.state = !r.stripe
      ? "missing_stripe"
      : !r.ours
        ? "missing_ours"
        : r.ours.amount === r.stripe.amount && r.ours.fee === r.stripe.fee
          ? "matched"
          : "mismatch";
    result.push(r);
  }
  return result;
}

/** Rows that need a person's eye, per campaign (null: lines no campaign of ours explains). */
export function problemsByCampaign(rows: ReconciliationRow[]): Map<string | null, number> {
  const counts = new Map<string | null, number>();
  for (const r of rows)
    if (r.state !== "matched") counts.set(r.campaignId, (counts.get(r.campaignId) ?? 0) + 1);
  return counts;
}

/** When Stripe's lines were last imported, and how many there are. */
export async function importStatus(
  db: Db,
): Promise<{ lines: number; lastImportAt: string | null; newestLineAt: string | null }> {
  const row = await db
    .selectFrom("stripe_balance_lines")
    .select((eb) => [
      eb.fn.countAll<number>().as("lines"),
      eb.fn.max("imported_at").as("last"),
      eb.fn.max("created_at").as("newest"),
    ])
    .executeTakeFirstOrThrow();
  return { lines: Number(row.lines), lastImportAt: row.last ?? null, newestLineAt: row.newest ?? null };
}
