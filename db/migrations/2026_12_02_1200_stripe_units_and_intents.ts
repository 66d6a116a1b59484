// Stripe's units and Stripe's references (docs/decisions/022):
// - amounts are now in Stripe's minor units, where they used to follow Intl: for ISK, HUF, UGX (and
//   any currency Intl writes with fewer decimals than Stripe counts) a stored 1000 meant 1 000 kr and
//   now means 10 kr. No campaign in such a currency is converted silently: the migration stops and
//   says which, so that its amounts are multiplied by 100 (or the campaign removed) knowingly;
// - a Stripe payment intent or setup intent belongs to one pledge: unique indexes, so that a webhook
//   racing the charge run (or a replayed sync) can never make a second pledge of the same payment
//   (Open Collective's duplicated orders, post-mortem of 2024-10-08). NULLs stay allowed many times.
// Frozen in time (its own copy of Stripe's lists, no app import): a later change is a new migration.
import { sql, type Kysely } from "kysely";

const stripeZeroDecimal = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF".split(" ");
const stripeThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

function stripeDigits(currency: string): number {
  if (stripeZeroDecimal.includes(currency)) return 0;
  return stripeThreeDecimal.includes(currency) ? 3 : 2;
}

function intlDigits(currency: string): number | null {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return null;
  }
}

const columns = [
  { column: "payment_intent_id", index: "pledges_payment_intent_unique" },
  { column: "setup_intent_id", index: "pledges_setup_intent_unique" },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const campaigns = await db.selectFrom("campaigns").select(["id", "slug", "currency"]).execute();
  const changed = campaigns.filter((c) => {
    const code = String(c.currency).toUpperCase();
    const intl = intlDigits(code);
    return intl !== null && intl !== stripeDigits(code);
  });
  if (changed.length) {
    const list = changed.map((c) => `${c.slug} (${c.currency})`).join(", ");
    throw new Error(
      `Amounts are now stored in Stripe's minor units, which differ from the old ones for: ${list}. ` +
        `Multiply every amount of these campaigns (goal, tiers, stretch goals, pledges, ledger, refunds, ` +
        `payouts) by 100, or remove them, before migrating (docs/decisions/022).`,
    );
  }
  // Say which rows are in the way rather than fail on an engine's terse constraint message.
  for (const { column } of columns) {
    const { rows } = await sql<{ ref: string; n: number }>`
      select ${sql.ref(column)} as ref, count(*) as n from pledges
      where ${sql.ref(column)} is not null group by ${sql.ref(column)} having count(*) > 1`.execute(db);
    if (rows.length) {
      const refs = rows.map((r) => r.ref).join(", ");
      throw new Error(
        `pledges.${column} is shared by several pledges (${refs}): keep the one Stripe's metadata ` +
          `names (pledge_id) and clear the others before migrating.`,
      );
    }
  }
  await db.schema.dropIndex("pledges_payment_intent").execute();
  for (const { column, index } of columns) {
    await db.schema.createIndex(index).unique().on("pledges").column(column).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { index } of columns) await db.schema.dropIndex(index).execute();
  await db.schema.createIndex("pledges_payment_intent").on("pledges").column("payment_intent_id").execute();
}
