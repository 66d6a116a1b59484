// A reversal is written down before Stripe is asked for it, with its amount and key, so that a
// worker dying after Stripe reversed finishes that same reversal rather than making a new one.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("payout_reversals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id"))
    .addColumn("payout_id", "text", (c) => c.notNull().references("payouts.id"))
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reversal_id", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("done_at", "timestamptz")
    .addCheckConstraint("payout_reversals_positive", sql`amount > 0`)
    .execute();
  // One reversal in flight per campaign: two workers cannot both take back the same debt.
  await db.schema
    .createIndex("payout_reversals_one_pending")
    .on("payout_reversals")
    .column("campaign_id")
    .unique()
    .where(sql<boolean>`status = 'pending'`)
    .execute();
  await db.schema.createIndex("payout_reversals_payout").on("payout_reversals").column("payout_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("payout_reversals").execute();
}
