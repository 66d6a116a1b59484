// A payment that settles later (SEPA Direct Debit): the charge was sent and its PaymentIntent is
// `processing` for days. The pledge keeps its status (committed, or payment_failed on a retry) and
// counts; `payment_processing_at` says since when its money is on its way, so no charge run charges
// it again, the 7-day drop clock does not run on it, and the page says "payment in progress".
// A column, not a new status: the pledges_status check constraint cannot change in SQLite without
// rebuilding the table. Frozen in time: a later change is a new migration.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pledges").addColumn("payment_processing_at", "timestamptz").execute();
  // The simulated gateway's settlement job looks for these, oldest first.
  await db.schema
    .createIndex("pledges_payment_processing")
    .on("pledges")
    .column("payment_processing_at")
    .where(sql<boolean>`payment_processing_at is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("pledges_payment_processing").execute();
  await db.schema.alterTable("pledges").dropColumn("payment_processing_at").execute();
}
