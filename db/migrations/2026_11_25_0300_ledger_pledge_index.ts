// Finding a pledge's movements (has Stripe's fee been posted yet?) by index: without it, asking for
// 10 000 pledges scanned the whole ledger for each (bench/reconcile: approving took 9.8 s).
// Frozen in time: a later change is a new migration.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("ledger_transactions_pledge_kind")
    .on("ledger_transactions")
    .columns(["pledge_id", "kind"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("ledger_transactions_pledge_kind").execute();
}
