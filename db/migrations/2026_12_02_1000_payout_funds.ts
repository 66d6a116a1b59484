// Card funds stay pending at Stripe for days: a payment's funds_available_at is its balance
// transaction's available_on, and an approved Stripe payout waits until its campaign's funds are
// available (payouts.funds_available_at), then the job sends it.
// Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pledges").addColumn("funds_available_at", "timestamptz").execute();
  await db.schema.alterTable("payouts").addColumn("funds_available_at", "timestamptz").execute();
  // The job looks for approved Stripe payouts whose date has come.
  await db.schema
    .createIndex("payouts_waiting_for_funds")
    .on("payouts")
    .column("funds_available_at")
    .where(sql<boolean>`status = 'approved'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("payouts_waiting_for_funds").execute();
  await db.schema.alterTable("payouts").dropColumn("funds_available_at").execute();
  await db.schema.alterTable("pledges").dropColumn("funds_available_at").execute();
}
